package org.lungfl.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared helpers for the synth tests: small datasets, files, external tools. */
final class SynthTesting {
    static final String PYTHON = "/usr/bin/python3";

    private SynthTesting() {}

    static SynthDataset.Options small(int sites, int perSite, int test, double rate, long seed, int threads) {
        return new SynthDataset.Options(sites, perSite, test, rate, 0.5, seed, true, PhantomModel.DEFAULT, null, null, threads);
    }

    static SynthDataset.Summary generate(SynthDataset.Options o, Path out) {
        return SynthDataset.generate(o, out, "lungfl test", "test", (done, total, bytes) -> {});
    }

    static List<Path> files(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean onPath(String name) {
        if (name.startsWith("/")) return Files.isExecutable(Path.of(name));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return true;
        }
        return false;
    }

    static boolean pythonHas(String modules) {
        return onPath(PYTHON) && run(List.of(PYTHON, "-c", "import " + modules)).exitCode() == 0;
    }

    record Result(int exitCode, String output) {}

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
