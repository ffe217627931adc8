package org.lungfl.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.lungfl.core.UserFacingException;

/**
 * Runs the reference PyTorch module ({@code python/lungfl_model.py}, shipped inside this jar) with
 * Debian's {@code /usr/bin/python3}: the interop test and {@code lungfl bench train} compare
 * against it.
 */
public final class ReferencePython {
    public static final String PYTHON = "/usr/bin/python3";
    private static final List<String> SCRIPTS = List.of("lungfl_model.py", "lungfl_logits.py", "lungfl_bench.py", "lungfl_learnability.py");
    private static Optional<String> unavailable;

    private ReferencePython() {}

    /** Why the reference cannot run here (no interpreter, no torch), or empty when it can. */
    public static synchronized Optional<String> unavailableReason() {
        if (unavailable == null) {
            if (!Files.isExecutable(Path.of(PYTHON))) {
                unavailable = Optional.of(PYTHON + " not found");
            } else {
                try {
                    run(120, "-c", "import torch, numpy");
                    unavailable = Optional.empty();
                } catch (UserFacingException e) {
                    unavailable = Optional.of(PYTHON + " has no torch/numpy (Debian: apt-get install python3-torch)");
                }
            }
        }
        return unavailable;
    }

    /** Copies the scripts into {@code dir} and returns the path of {@code script} there. */
    public static Path script(Path dir, String script) {
        try {
            for (String s : SCRIPTS) {
                try (InputStream in = ReferencePython.class.getResourceAsStream("python/" + s)) {
                    if (in == null) throw new IllegalStateException("python/" + s + " missing from the lungfl-model jar");
                    Files.write(dir.resolve(s), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(script);
    }

    /** Runs python with these arguments and returns its standard output; fails on a non-zero exit. */
    public static String run(long timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("lungfl-python", ".err");
            Path out = Files.createTempFile("lungfl-python", ".out");
            try {
                // Output goes to files, so a silent or chatty child can neither block us nor outlive the timeout.
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
                p.getOutputStream().close();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new UserFacingException(PYTHON + " did not finish within " + timeoutSeconds + " s");
                }
                if (p.exitValue() != 0) {
                    String msg = Files.readString(err, StandardCharsets.UTF_8).strip();
                    String last = msg.isEmpty() ? "" : msg.substring(msg.lastIndexOf('\n') + 1);
                    throw new UserFacingException(PYTHON + " failed (exit " + p.exitValue() + "): " + last);
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UserFacingException("cannot run " + PYTHON + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFacingException("interrupted while running " + PYTHON, e);
        }
    }
}
