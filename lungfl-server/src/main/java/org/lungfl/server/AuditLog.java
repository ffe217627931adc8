package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Every state change as one JSON line in {@code audit.jsonl}: received, duplicate, replaced,
 * rejected, rate_limited, aggregated, refused, quarantined, cleared, started, stopped. Lines hold ids, counts and addresses, never
 * weights or patient data. State changes are fsynced before the request is answered.
 */
final class AuditLog implements Closeable {
    static final String FILE = "audit.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel out;
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();

    AuditLog(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        this.out = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ),
                DataDir.privateFile());
        DataDir.restrict(file);
        dropTornTail();
        out.position(out.size());
    }

    /** A kill during a write may leave half a line; it was never acknowledged, so it goes. */
    private void dropTornTail() throws IOException {
        long size = out.size();
        long keep = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (keep > 0) {
            one.clear();
            out.read(one, keep - 1);
            if (one.get(0) == '\n') break;
            keep--;
        }
        if (keep < size) {
            out.truncate(keep);
            out.force(true);
        }
    }

    static ObjectNode event(String name) {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", Instant.now().toString());
        n.put("event", name);
        return n;
    }

    /** Appends one line; {@code durable} events are fsynced before this returns. */
    synchronized void append(ObjectNode event, boolean durable) {
        try {
            byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) out.write(b);
            if (durable) out.force(false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("audit log: cannot append", e);
        }
        if (listeners.isEmpty()) return;
        JsonNode copy = event.deepCopy();
        for (Consumer<JsonNode> l : listeners) {
            try {
                l.accept(copy);
            } catch (RuntimeException e) {
                // A view of the log (the dashboard) must never fail the state change it records.
                LoggerFactory.getLogger(AuditLog.class).warn("audit listener failed: {}", e.toString());
            }
        }
    }

    /**
     * Hears every event appended from now on, in order, on the appending thread (so it must be
     * quick). Returns the log's length in bytes at that instant: {@link #scan(Path, long, Consumer)}
     * up to it gives exactly the events before, with none missed or seen twice.
     */
    synchronized long subscribe(Consumer<JsonNode> listener) throws IOException {
        listeners.add(listener);
        return out.size();
    }

    /** Every complete line of an audit log, oldest first (used to recover state on start). */
    static void scan(Path dataDir, Consumer<JsonNode> each) throws IOException {
        scan(dataDir, Long.MAX_VALUE, each);
    }

    /** The complete lines within the first {@code limit} bytes of the log, oldest first. */
    static void scan(Path dataDir, long limit, Consumer<JsonNode> each) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) return;
        InputStream bounded = new java.io.FilterInputStream(Files.newInputStream(file)) {
            private long left = limit;

            @Override
            public int read() throws IOException {
                if (left <= 0) return -1;
                int c = super.read();
                if (c >= 0) left--;
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) return -1;
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) left -= n;
                return n;
            }
        };
        try (BufferedReader r = new BufferedReader(new InputStreamReader(bounded, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException torn) {
                    // Only the last line can be torn, and the constructor already removed it.
                    continue;
                }
                try {
                    each.accept(n);
                } catch (RuntimeException unusable) {
                    // A line that parses but lacks what recovery needs (edited by hand): skipped, not fatal.
                    org.slf4j.LoggerFactory.getLogger(AuditLog.class).warn("audit log: skipping an unusable line ({})", unusable.toString());
                }
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.force(true);
        out.close();
    }
}
