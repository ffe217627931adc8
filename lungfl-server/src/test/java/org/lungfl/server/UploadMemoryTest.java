package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 8: 16 concurrent chunked uploads over the body limit pushed the server to 2.2 GB
 * resident, because each was buffered whole before the 413. Bodies now stream to disk, so memory
 * does not grow with them. A real server process (heap 192 MB, as {@link ServerProcess} starts it)
 * takes 16 bodies of 24 MiB against a 16 MiB limit at once: every one is refused with 413, the
 * server keeps serving, and its peak resident memory (VmHWM) stays under {@link #BOUND_MB}.
 */
class UploadMemoryTest {
    /** The stated bound: below the 192 MB heap limit plus the JVM's own ~80 MB, so no body was held in memory (16 × 16 MiB would not fit). */
    static final long BOUND_MB = 200;
    static final int UPLOADS = 16;
    static final long LIMIT = 16L << 20, BODY = 24L << 20;
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    @Test
    void sixteenConcurrentOversizeUploadsKeepTheServerUnderItsBound() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs /proc to read the server's VmHWM");
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), dir.resolve("server.log"), "--open", "--max-body-bytes",
                Long.toString(LIMIT), "--max-concurrent-uploads", Integer.toString(UPLOADS))) {
            URI u = URI.create(server.url);
            long before = vmHwmMb(server.process.pid());
            ExecutorService pool = Executors.newFixedThreadPool(UPLOADS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) answers.add(pool.submit(() -> {
                go.await();
                return chunkedUpload(u.getHost(), u.getPort(), BODY);
            }));
            go.countDown();
            int seen413 = 0;
            for (Future<String> f : answers) {
                String head = f.get();
                // A client still sending when the server closes may see a reset instead of the answer; the audit counts below.
                if (head.startsWith("HTTP/1.1 ")) {
                    assertThat(head).startsWith("HTTP/1.1 413");
                    seen413++;
                }
            }
            pool.shutdown();
            long peak = vmHwmMb(server.process.pid());
            System.out.printf("server VmHWM: %d MB before, %d MB after %d concurrent %d MiB uploads (limit %d MiB); %d answers read%n", before,
                    peak, UPLOADS, BODY >> 20, LIMIT >> 20, seen413);
            assertThat(Uploads.get(server.url, "/health", null).statusCode()).isEqualTo(200);
            assertThat(peak).as("peak resident MB").isLessThan(BOUND_MB);

            long refused = 0;
            for (String line : Files.readAllLines(dir.resolve("data").resolve(AuditLog.FILE))) {
                JsonNode e = JSON.readTree(line);
                if (e.get("event").asText().equals("rejected") && e.get("status").asInt() == 413) refused++;
            }
            assertThat(refused).as("uploads refused with 413 in the audit log").isEqualTo(UPLOADS);
            try (var temps = Files.list(dir.resolve("data").resolve("queue"))) {
                assertThat(temps.count()).as("no temporary left behind").isZero();
            }
        }
    }

    /** Sends {@code bytes} of body in 64 KB chunks (no Content-Length) and returns the response's first line, or "" after a reset. */
    private static String chunkedUpload(String host, int port, long bytes) throws IOException {
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(120_000);
            Thread reader = Thread.currentThread();
            StringBuilder head = new StringBuilder();
            Thread read = new Thread(() -> {
                try {
                    byte[] b = s.getInputStream().readNBytes(12);
                    synchronized (head) {
                        head.append(new String(b, StandardCharsets.US_ASCII));
                    }
                } catch (IOException reset) {
                    // counted through the audit log
                }
            }, "reader-of-" + reader.getName());
            read.start();
            OutputStream out = s.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 << 10];
            byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (long sent = 0; sent < bytes; sent += chunk.length) {
                    out.write(size);
                    out.write(chunk);
                    out.write('\r');
                    out.write('\n');
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedByServer) {
                // the server refused and closed: expected
            }
            try {
                read.join(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (head) {
                return head.toString();
            }
        }
    }

    private static long vmHwmMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
        throw new IllegalStateException("no VmHWM for " + pid);
    }
}
