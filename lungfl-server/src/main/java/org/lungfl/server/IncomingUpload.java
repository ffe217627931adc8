package org.lungfl.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * An upload body streamed to a temporary file as it arrives, so memory per upload is one 64 KB
 * buffer whatever the body's size, and hashed on the way (the update's identity for retries).
 * Refused as soon as it is known to be too large (413), too slow or too late (408), or cut off
 * (400); the temporary is then deleted. The caller validates the file and commits or discards it.
 */
final class IncomingUpload {
    private static final int BUFFER = 64 << 10;

    /** A body on disk, not yet fsynced: {@link #sync} before committing it. */
    record Received(Path file, long bytes, String sha256) {
        void sync() throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }

        void discard() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary; removed on the next start at the latest
            }
        }
    }

    private IncomingUpload() {}

    /** Streams {@code in} into a temporary in {@code dir} within {@code maxBytes} and the upload limits. */
    static Received receive(InputStream in, Path dir, long maxBytes, ServerConfig.UploadLimits limits) {
        Path tmp = dir.resolve(DurableFiles.TEMP_PREFIX + UUID.randomUUID());
        long t0 = System.nanoTime();
        long total = 0;
        boolean ok = false;
        try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), DataDir.privateFile())) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[BUFFER];
            ByteBuffer wrap = ByteBuffer.wrap(buf);
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException | RuntimeException e) {
                    throw cutOff(e, total, t0);
                }
                if (n < 0) break;
                total += n;
                if (total > maxBytes) throw new ApiException(413, "too_large", "body exceeds the limit of " + maxBytes + " bytes");
                sha.update(buf, 0, n);
                wrap.clear().limit(n);
                while (wrap.hasRemaining()) out.write(wrap);
                checkPace(total, System.nanoTime() - t0, limits);
            }
            ok = true;
            return new Received(tmp, total, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new ApiException(507, "storage", "the server cannot store the upload: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            if (!ok) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // removed on the next start
                }
            }
        }
    }

    /** 408 for a body that arrives too slowly on average (after the grace period) or not within the deadline. */
    static void checkPace(long bytes, long elapsedNanos, ServerConfig.UploadLimits limits) {
        if (elapsedNanos > limits.deadline().toNanos()) {
            throw new ApiException(408, "upload_timeout", "the upload did not complete within " + limits.deadline().toSeconds()
                    + " s (" + bytes + " bytes received)");
        }
        if (elapsedNanos > limits.rateGrace().toNanos() && bytes * 1e9 < (double) limits.minBytesPerSecond() * elapsedNanos) {
            throw new ApiException(408, "upload_too_slow", String.format(java.util.Locale.ROOT,
                    "the upload arrived at %.0f bytes/s on average, below the minimum of %d bytes/s", bytes * 1e9 / elapsedNanos,
                    limits.minBytesPerSecond()));
        }
    }

    /** A read that failed: the connection went silent (408) or the body was cut off or malformed (400). */
    private static ApiException cutOff(Throwable e, long bytes, long t0) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c instanceof java.net.SocketTimeoutException) {
                return new ApiException(408, "upload_timeout", "the upload stalled: nothing arrived for too long (" + bytes
                        + " bytes in " + ms + " ms)");
            }
            if (c instanceof org.eclipse.jetty.http.BadMessageException bad && bad.getCode() == 408) {
                return new ApiException(408, "upload_too_slow", "the upload arrived too slowly (" + bytes + " bytes in " + ms + " ms)");
            }
        }
        return new ApiException(400, "upload_incomplete", "the upload was cut off or malformed after " + bytes + " bytes ("
                + e.getClass().getSimpleName() + ")");
    }
}
