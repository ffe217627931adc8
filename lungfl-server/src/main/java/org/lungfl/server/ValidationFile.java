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
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** {@code validation.jsonl} in a data dir: one {@link ValidationHistory} line per aggregation; the last line of a version wins. */
final class ValidationFile implements Closeable {
    static final String FILE = "validation.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel out;
    private final TreeMap<Long, ObjectNode> byVersion = new TreeMap<>();

    ValidationFile(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    try {
                        JsonNode n = JSON.readTree(line);
                        if (n instanceof ObjectNode o && o.has("version")) byVersion.put(o.get("version").asLong(), o);
                    } catch (IOException torn) {
                        // a half-written last line: its version was never committed
                    }
                }
            }
        }
        this.out = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                DataDir.privateFile());
        DataDir.restrict(file);
    }

    /** Appends a version's line durably; called before the version is committed. */
    synchronized void record(ObjectNode line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) out.write(b);
        out.force(false);
        byVersion.put(line.path("version").asLong(), line);
    }

    synchronized ObjectNode line(long version) {
        return byVersion.get(version);
    }

    synchronized List<ObjectNode> upTo(long version, int n) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode line : byVersion.headMap(version, true).descendingMap().values()) {
            if (out.size() == n) break;
            out.add(line);
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
