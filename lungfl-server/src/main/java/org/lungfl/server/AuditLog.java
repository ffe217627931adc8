package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Every state change as one JSON line in {@code audit.jsonl}: received, duplicate, replaced,
 * rejected, rate_limited, aggregated, refused, quarantined, cleared, started, stopped. Lines hold ids, counts and addresses, never
 * weights or patient data. State changes are fsynced before the request is answered.
 */
final class AuditLog implements Closeable {
    static final String FILE = "audit.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel out;

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
    }

    /** Every complete line of an audit log, oldest first (used to recover state on start). */
    static void scan(Path dataDir, Consumer<JsonNode> each) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) return;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
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
