package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lungfl.core.metrics.MetricNames;
import org.lungfl.core.weights.SafeTensorsFile;

/**
 * The validation metrics clients send with their updates ({@code __metadata__.metrics}), kept per
 * global version in {@code validation.jsonl}: one line per aggregation listing each contributor's
 * metrics. A line is written just before its version is committed; a crash in between leaves a line
 * for a version that is then aggregated again and written again, and the last line of a version
 * wins. Only versions the server has published are ever reported.
 *
 * <p>The summary of a version is the sample-weighted mean (weights = {@code num_samples}) of every
 * numeric metric over the contributors that reported it; nothing here is patient data.
 */
final class ValidationHistory implements Closeable {
    static final String FILE = "validation.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileChannel out;
    private final TreeMap<Long, ObjectNode> byVersion = new TreeMap<>();

    ValidationHistory(Path dataDir) throws IOException {
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

    /** Records the metrics of the updates that make up {@code version}; called before the version is committed. */
    void record(long version, List<QueuedUpdate> batch) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        line.put("version", version);
        ArrayNode contributors = line.putArray("contributors");
        for (QueuedUpdate u : batch) {
            ObjectNode c = contributors.addObject();
            c.put("client_id", u.clientId()).put("update_id", u.updateId()).put("num_samples", u.numSamples());
            String metrics;
            try (SafeTensorsFile f = SafeTensorsFile.open(u.file())) {
                metrics = f.metadata().get("metrics");
            }
            // Checked against MetricNames on upload: known names, finite numbers in range.
            if (metrics != null) c.set("metrics", known(metrics));
        }
        byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) out.write(b);
            out.force(false);
            byVersion.put(version, line);
        }
    }

    /**
     * {@code {reporting, samples, metrics: {name: weighted mean}, clients: [...]}} for a version,
     * or null when no contributor of it sent metrics.
     */
    synchronized ObjectNode summary(long version) {
        ObjectNode line = byVersion.get(version);
        if (line == null) return null;
        Map<String, double[]> sums = new LinkedHashMap<>(); // name -> {Σ n·x, Σ n}
        int reporting = 0;
        long samples = 0;
        ArrayNode clients = JSON.createArrayNode();
        for (JsonNode c : line.path("contributors")) {
            JsonNode m = c.path("metrics");
            if (!m.isObject()) continue;
            // Lines written before metrics were checked may hold anything: only known metrics are shown.
            m = known(m.toString());
            if (m == null) continue;
            long n = c.path("num_samples").asLong();
            reporting++;
            samples += n;
            clients.addObject().put("client_id", c.path("client_id").asText()).put("num_samples", n).set("metrics", m);
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().asDouble())) continue;
                double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
                s[0] += n * e.getValue().asDouble();
                s[1] += n;
            }
        }
        if (reporting == 0) return null;
        ObjectNode r = JSON.createObjectNode();
        r.put("version", version).put("reporting", reporting).put("samples", samples);
        ObjectNode means = r.putObject("metrics");
        sums.forEach((name, s) -> means.put(name, s[0] / s[1]));
        r.set("clients", clients);
        return r;
    }

    /** The metrics of a document that passes {@link MetricNames#parse}, as JSON; null for any other. */
    private static ObjectNode known(String metrics) {
        try {
            MetricNames.parse(metrics);
            return (ObjectNode) JSON.readTree(metrics);
        } catch (MetricNames.InvalidMetrics | IOException e) {
            return null;
        }
    }

    /** The summary of the newest published version that has metrics, or null. */
    synchronized ObjectNode latest(long publishedVersion) {
        for (Long v : byVersion.headMap(publishedVersion, true).descendingKeySet()) {
            ObjectNode s = summary(v);
            if (s != null) return s;
        }
        return null;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
