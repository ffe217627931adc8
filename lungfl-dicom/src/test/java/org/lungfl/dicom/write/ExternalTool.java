package org.lungfl.dicom.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an independent DICOM tool (DCMTK, dicom3tools, GDCM, Debian's Python) and captures its output. */
final class ExternalTool {
    static final String PYTHON = "/usr/bin/python3";

    record Result(int exitCode, String output) {}

    private ExternalTool() {}

    static boolean onPath(String name) {
        if (name.startsWith("/")) return Files.isExecutable(Path.of(name));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return true;
        }
        return false;
    }

    static boolean pythonHas(String module) {
        return onPath(PYTHON) && run(List.of(PYTHON, "-c", "import " + module)).exitCode() == 0;
    }

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
