package org.lungfl.gui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A private X server (Debian's {@code xvfb}) on a display number it picks itself
 * ({@code -displayfd}), so a test can run a real window on a machine without a screen and never
 * moves a developer's own mouse. {@link #start} is null when Xvfb is not installed.
 */
final class Xvfb implements AutoCloseable {
    private final Process process;
    final String display;

    private Xvfb(Process process, String display) {
        this.process = process;
        this.display = display;
    }

    static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "Xvfb");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    static Xvfb start(Path log) throws Exception {
        String bin = binary();
        if (bin == null) return null;
        Process p = new ProcessBuilder(bin, "-displayfd", "1", "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset")
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        CompletableFuture<String> number = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                return r.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String n = number.get(30, TimeUnit.SECONDS);
        if (n == null || !n.strip().matches("[0-9]+")) {
            p.destroyForcibly();
            throw new IllegalStateException("Xvfb did not start (see " + log + ")");
        }
        return new Xvfb(p, ":" + n.strip());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
