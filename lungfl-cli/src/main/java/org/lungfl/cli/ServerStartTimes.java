package org.lungfl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How long {@code ./lungfl server} takes from the command to its first 200 on {@code /health}, as a
 * user starts it: through the launcher script, on a fresh data dir and again on the same dir
 * (restart), with and without the server's class-data archive (LUNGFL_CDS=0), in alternating rounds.
 */
final class ServerStartTimes {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final int rounds;
    private final Path work;

    ServerStartTimes(int rounds, Path work) {
        this.rounds = rounds;
        this.work = work;
    }

    void measure() throws IOException, InterruptedException {
        Path launcher = launcher();
        if (launcher == null) {
            System.out.println("server start: no `lungfl` launcher next to this build; skipped");
            return;
        }
        Files.createDirectories(work);
        // Untimed: writes the class-data archive when this build has none yet, and fills the page cache.
        start(launcher, work.resolve("untimed"), true);
        long[][] ms = new long[4][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int cds = 0; cds < 2; cds++) {
                Path data = work.resolve("r" + r + (cds == 0 ? "-cds" : "-plain"));
                ms[cds * 2][r] = start(launcher, data, cds == 0);
                ms[cds * 2 + 1][r] = start(launcher, data, cds == 0);
            }
        }
        Path archive = launcher.resolveSibling("target").resolve("server-classes.jsa");
        String cds = Files.isRegularFile(archive) ? String.format(Locale.ROOT, "%.0f MB", Files.size(archive) / 1e6) : "none written";
        System.out.printf(Locale.ROOT, "server start (`%s server` to its first 200 on /health; median of %d alternating rounds, range in "
                + "brackets; load average %s):%n", launcher, rounds, BenchServerCommand.loadAverage());
        System.out.printf(Locale.ROOT, "  with class-data sharing (archive %s): fresh data dir %s, restart %s%n", cds, summary(ms[0]), summary(ms[1]));
        System.out.printf(Locale.ROOT, "  without (LUNGFL_CDS=0):                fresh data dir %s, restart %s%n", summary(ms[2]), summary(ms[3]));
        System.out.printf(Locale.ROOT, "  target: at most 1.0 s on 2 idle cores%s%n",
                System.getenv("LUNGFL_JAVA_OPTS") == null ? "" : " (LUNGFL_JAVA_OPTS is set: " + System.getenv("LUNGFL_JAVA_OPTS") + ")");
    }

    private static String summary(long[] millis) {
        long[] v = millis.clone();
        java.util.Arrays.sort(v);
        return String.format(Locale.ROOT, "%.2f s (%.2f-%.2f)", v[v.length / 2] / 1e3, v[0] / 1e3, v[v.length - 1] / 1e3);
    }

    /** Milliseconds from starting the launcher to the first 200 on /health; the server is then stopped. */
    private long start(Path launcher, Path data, boolean cds) throws IOException, InterruptedException {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "server", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--data-dir", data.toString(), "--open").redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
        Map<String, String> env = pb.environment();
        if (cds) env.remove("LUNGFL_CDS");
        else env.put("LUNGFL_CDS", "0");
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            while (!healthy(port)) {
                if (!p.isAlive()) throw new IOException("the server exited with " + p.exitValue() + "; see " + work.resolve("server.log"));
                if (System.nanoTime() - t0 > TIMEOUT_NANOS) throw new IOException("no 200 on /health within 60 s");
                Thread.sleep(2);
            }
            return (System.nanoTime() - t0) / 1_000_000;
        } finally {
            try (OutputStream console = p.getOutputStream()) {
                console.write("quit\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException gone) {
                // exited already
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
    }

    /** One GET /health over a plain socket: refused until the server listens. */
    private static boolean healthy(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The launcher script of the checkout this build came from: {@code lungfl} next to the root pom. */
    private static Path launcher() {
        try {
            Path here = Path.of(ServerStartTimes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here; p != null; p = p.getParent()) {
                Path script = p.resolve("lungfl");
                if (Files.isRegularFile(script) && Files.isExecutable(script) && Files.isRegularFile(p.resolve("pom.xml"))) return script;
            }
        } catch (Exception ignored) {
            // not run from a checkout
        }
        return null;
    }
}
