package org.lungfl.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real server JVM ({@link ServerMain}) on a free loopback port, started the way an operator would. */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final String url;
    private final List<String> output = new ArrayList<>();

    private ServerProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static ServerProcess start(Path dataDir, Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Restarts are the expensive part of the crash tests: a small, quickly compiled JVM.
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
                "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = new CompletableFuture<>();
        ServerProcess[] self = new ServerProcess[1];
        List<String> early = new ArrayList<>();
        Thread drain = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    synchronized (early) {
                        early.add(line);
                    }
                    if (line.startsWith("LungFL server listening on ")) url.complete(line.substring(27).strip());
                }
            } catch (IOException ignored) {
                // the process died
            }
            url.complete(null);
        }, "server-stdout");
        drain.setDaemon(true);
        drain.start();
        String u = url.get(90, TimeUnit.SECONDS);
        if (u == null) throw new IllegalStateException("server did not start: " + early + " (log " + log + ")");
        self[0] = new ServerProcess(p, u);
        return self[0];
    }

    void type(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** kill -9: no shutdown hook, no flush, nothing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            type("quit");
            if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
        }
    }
}
