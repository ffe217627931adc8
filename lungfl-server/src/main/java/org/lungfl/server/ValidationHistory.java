package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.metrics.MetricNames;

/**
 * The validation metrics clients send with their updates ({@code __metadata__.metrics}), kept per
 * global version by the store: one line per version listing each contributor's metrics, committed
 * with the version (a file store writes it just before the version; a crash in between leaves a
 * line for a version that is then aggregated again and written again, and the last line of a
 * version wins). Only versions the server has published are ever reported.
 *
 * <p>The summary of a version is the sample-weighted mean (weights = {@code num_samples}) of every
 * numeric metric over the contributors that reported it; nothing here is patient data.
 */
final class ValidationHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ValidationHistory() {}

    /** The line of the updates that make up {@code version}. */
    static ObjectNode line(long version, List<QueuedUpdate> batch) {
        ObjectNode line = JSON.createObjectNode();
        line.put("version", version);
        ArrayNode contributors = line.putArray("contributors");
        for (QueuedUpdate u : batch) {
            ObjectNode c = contributors.addObject();
            c.put("client_id", u.clientId()).put("update_id", u.updateId()).put("num_samples", u.numSamples());
            // Checked against MetricNames on upload: known names, finite numbers in range.
            if (u.metrics() != null) c.set("metrics", known(u.metrics()));
        }
        return line;
    }

    /**
     * {@code {reporting, samples, metrics: {name: weighted mean}, clients: [...]}} for a version's
     * line, or null when no contributor of it sent metrics.
     */
    static ObjectNode summary(ObjectNode line) {
        if (line == null) return null;
        long version = line.path("version").asLong();
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
    static ObjectNode latest(FederationStore store, long publishedVersion) throws IOException {
        // Rounds whose contributors sent no metrics at all are rare: the last hundred is plenty.
        for (ObjectNode line : store.validationUpTo(publishedVersion, 100)) {
            ObjectNode s = summary(line);
            if (s != null) return s;
        }
        return null;
    }
}
