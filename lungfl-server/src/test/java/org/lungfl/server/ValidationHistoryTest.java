package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.weights.SafeTensors;

/** The clients' validation metrics, per global version, in /api/v1/history and /status, across a restart. */
class ValidationHistoryTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private static byte[] update(String client, String id, long samples, long base, String metrics) {
        Map<String, String> m = Uploads.meta(client, id, samples, base);
        if (metrics == null) m.remove("metrics");
        else m.put("metrics", metrics);
        return SafeTensors.write(Uploads.constant(0.1f, 1), m);
    }

    @Test
    void reportsSampleWeightedValidationMetricsPerVersion() throws Exception {
        ServerConfig config = TestStores.config(dir, Uploads.PLAN).withHostPort("127.0.0.1", 0).withCapacity(3).withOpen(true);
        try (LungflServer s = LungflServer.start(config)) {
            assertThat(Uploads.post(s.url(), "/upload", update("a", "a1", 10, 0, "{\"val_auc\":0.6,\"val_log_loss\":0.9}"), null).statusCode()).isEqualTo(200);
            // Free text never gets in: a metrics document with an unknown name is refused whole.
            var note = Uploads.post(s.url(), "/upload", update("b", "b1", 30, 0, "{\"val_auc\":0.9,\"note\":\"x\"}"), null);
            assertThat(note.statusCode()).isEqualTo(422);
            assertThat(note.body()).contains("\"error\":\"invalid_metrics\"").contains("unknown metric 'note'");
            assertThat(Uploads.post(s.url(), "/upload", update("b", "b1", 30, 0, "{\"val_auc\":0.9}"), null).statusCode()).isEqualTo(200);
            // A client that reports nothing still counts in the version, not in the means.
            assertThat(Uploads.post(s.url(), "/upload", update("c", "c1", 60, 0, null), null).statusCode()).isEqualTo(200);
            JsonNode h = JSON.readTree(Uploads.get(s.url(), "/api/v1/history", null).body());
            assertThat(h.path("global_version").asLong()).isEqualTo(1);
            JsonNode v1 = h.path("rounds").get(0);
            assertThat(v1.path("version").asLong()).isEqualTo(1);
            assertThat(v1.path("contributors").asInt()).isEqualTo(3);
            assertThat(v1.path("samples").asLong()).isEqualTo(100);
            JsonNode val = v1.path("validation");
            assertThat(val.path("reporting").asInt()).isEqualTo(2);
            assertThat(val.path("metrics").path("val_auc").asDouble()).isCloseTo((10 * 0.6 + 30 * 0.9) / 40, within(1e-12));
            assertThat(val.path("metrics").path("val_log_loss").asDouble()).isCloseTo(0.9, within(1e-12));
            JsonNode status = JSON.readTree(Uploads.get(s.url(), "/status", null).body());
            assertThat(status.path("validation").path("version").asLong()).isEqualTo(1);

            // Version 2 from two clients with new figures; /status follows the newest version.
            Uploads.post(s.url(), "/upload", update("a", "a2", 10, 1, "{\"val_auc\":0.7}"), null);
            Uploads.post(s.url(), "/upload", update("b", "b2", 10, 1, "{\"val_auc\":0.8}"), null);
            Uploads.post(s.url(), "/upload", update("c", "c2", 10, 1, "{\"val_auc\":0.9}"), null);
            status = JSON.readTree(Uploads.get(s.url(), "/status", null).body());
            assertThat(status.path("validation").path("version").asLong()).isEqualTo(2);
            assertThat(status.path("validation").path("metrics").path("val_auc").asDouble()).isCloseTo(0.8, within(1e-12));
        }
        try (LungflServer s = LungflServer.start(config)) {
            JsonNode h = JSON.readTree(Uploads.get(s.url(), "/api/v1/history", null).body());
            assertThat(h.path("rounds")).hasSize(2);
            assertThat(h.path("rounds").get(0).path("validation").path("metrics").path("val_auc").asDouble()).isCloseTo(0.825, within(1e-12));
            assertThat(h.path("rounds").get(1).path("validation").path("reporting").asInt()).isEqualTo(3);
        }
    }
}
