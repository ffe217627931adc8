package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/**
 * Update screening end to end against a real server (K = 3, factor 5 over the median norm): honest
 * updates of similar size pass, one scaled ×20 (the "model scaling" attack) is quarantined or
 * refused, the decision and norms are audited, and a restart remembers both the quarantine and
 * the norms.
 */
class ScreeningTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double STD = 0.002;
    @TempDir Path dir;

    private static FederationPlan plan(String action) {
        return Uploads.planWithAggregation("{\"strategy\": \"fedavg\", \"screening\": {\"factor\": 5, \"rounds\": 3, \"min_updates\": 3, "
                + "\"action\": \"" + action + "\"}}");
    }

    private LungflServer start(FederationPlan plan) throws Exception {
        return LungflServer.start(TestStores.config(dir, plan).withHostPort("127.0.0.1", 0).withCapacity(3).withOpen(true));
    }

    private static JsonNode post(String url, byte[] body) throws Exception {
        HttpResponse<String> r = Uploads.post(url, "/upload", body, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private List<JsonNode> audit(String event) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : TestStores.auditLines(dir)) {
            JsonNode e = JSON.readTree(line);
            if (e.get("event").asText().equals(event)) out.add(e);
        }
        return out;
    }

    @Test
    void aScaledUpdateIsQuarantinedKeptAuditedAndLeftOutOfTheAverage() throws Exception {
        Weights v1;
        try (LungflServer s = start(plan("quarantine"))) {
            String url = s.url();
            Weights v0 = Uploads.version(url, 0, null);
            // Round 1: three honest sites; screening is still learning the norms (min_updates 3).
            for (int i = 0; i < 3; i++) post(url, Uploads.upload(Uploads.around(v0, i, STD, 1, 1), "site-" + i, "r1", 10, 0));
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
            v1 = Uploads.version(url, 1, null);

            // Round 2: site-0 honest; site-1 sends its honest delta times -20.
            post(url, Uploads.upload(Uploads.around(v1, 10, STD, 1, 2), "site-0", "r2", 10, 1));
            byte[] attack = Uploads.upload(Uploads.around(v1, 11, STD, -20, 2), "site-1", "r2", 10, 1);
            JsonNode q = post(url, attack);
            assertThat(q.get("accepted").asBoolean()).isFalse();
            assertThat(q.get("quarantined").asBoolean()).isTrue();
            assertThat(q.get("reason").asText()).contains("delta norm").contains("x the median").contains("limit 5.0 x");
            assertThat(q.get("queue_size").asInt()).isEqualTo(1);
            // A retry is answered the same way and stored once.
            assertThat(post(url, attack).get("quarantined").asBoolean()).isTrue();
            assertThat(s.service().store().screening().quarantinedAll()).hasSize(1);
            if (!TestStores.POSTGRES) assertThat(Files.list(dir.resolve(FileScreeningRecords.DIR))).hasSize(1);

            JsonNode status = JSON.readTree(Uploads.get(url, "/status", null).body()).get("screening");
            assertThat(status.get("action").asText()).isEqualTo("quarantine");
            assertThat(status.get("quarantined")).hasSize(1);
            JsonNode entry = status.get("quarantined").get(0);
            assertThat(entry.get("client_id").asText()).isEqualTo("site-1");
            assertThat(entry.get("delta_norm").asDouble()).isGreaterThan(5 * entry.get("reference_norm").asDouble());

            // The round completes with the honest updates only.
            post(url, Uploads.upload(Uploads.around(v1, 12, STD, 1, 2), "site-2", "r2", 10, 1));
            post(url, Uploads.upload(Uploads.around(v1, 13, STD, 1, 2), "site-3", "r2", 10, 1));
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(2);
            Weights v2 = Uploads.version(url, 2, null);
            for (Tensor t : v2.tensors()) {
                if (t.dtype() != DType.F32) continue;
                float[] got = t.floats();
                float[] a = Uploads.around(v1, 10, STD, 1, 2).get(t.name()).floats();
                float[] c = Uploads.around(v1, 12, STD, 1, 2).get(t.name()).floats();
                float[] d = Uploads.around(v1, 13, STD, 1, 2).get(t.name()).floats();
                for (int j = 0; j < got.length; j++) assertThat(got[j]).isCloseTo((a[j] + c[j] + d[j]) / 3, org.assertj.core.api.Assertions.within(1e-6f));
            }
        }

        // Audited: every decision with the norms, the quarantine durably.
        List<JsonNode> screened = audit("screened");
        assertThat(screened).extracting(e -> e.get("decision").asText()).containsExactly("pass", "pass", "pass", "pass", "quarantine", "pass", "pass");
        JsonNode quarantine = screened.get(4);
        assertThat(quarantine.get("client_id").asText()).isEqualTo("site-1");
        assertThat(quarantine.get("delta_norm").asDouble() / quarantine.get("reference_norm").asDouble()).isBetween(15.0, 25.0);
        assertThat(screened.get(0).get("reference_norm").isNull()).isTrue();
        assertThat(screened.get(3).get("norms_known").asInt()).isEqualTo(3);

        // After a restart: the quarantine is still listed, and screening does not start learning again.
        try (LungflServer s = start(plan("quarantine"))) {
            JsonNode status = JSON.readTree(Uploads.get(s.url(), "/status", null).body()).get("screening");
            assertThat(status.get("quarantined")).hasSize(1);
            assertThat(status.get("reference_norm").isNull()).isFalse();
            JsonNode q = post(s.url(), Uploads.upload(Uploads.around(Uploads.version(s.url(), 2, null), 20, STD, 30, 3), "site-4", "r3", 10, 2));
            assertThat(q.get("quarantined").asBoolean()).isTrue();
        }
    }

    @Test
    void withActionRejectTheOutlierGets422AndNothingIsKept() throws Exception {
        try (LungflServer s = start(plan("reject"))) {
            String url = s.url();
            Weights v0 = Uploads.version(url, 0, null);
            for (int i = 0; i < 2; i++) post(url, Uploads.upload(Uploads.around(v0, i, STD, 1, 1), "site-" + i, "r1", 10, 0));
            // Learning: a third update passes whatever its size, as long as fewer than min_updates norms are known.
            post(url, Uploads.upload(Uploads.around(v0, 2, STD, 1.5, 1), "site-2", "r1", 10, 0));
            HttpResponse<String> r = Uploads.post(url, "/upload", Uploads.upload(Uploads.around(Uploads.version(url, 1, null), 3, STD, 8, 1),
                    "site-3", "r2", 10, 1), null);
            assertThat(r.statusCode()).isEqualTo(422);
            JsonNode err = JSON.readTree(r.body());
            assertThat(err.get("error").asText()).isEqualTo("invalid_update");
            assertThat(err.get("detail").asText()).contains("delta norm").contains("refused (aggregation.screening)");
            assertThat(s.service().queueSize()).isZero();
            assertThat(s.service().store().screening().quarantinedAll()).isEmpty();
            if (!TestStores.POSTGRES) assertThat(dir.resolve(FileScreeningRecords.DIR)).doesNotExist();
            // The server keeps serving, and an honest update still passes.
            post(url, Uploads.upload(Uploads.around(Uploads.version(url, 1, null), 4, STD, 1, 1), "site-3", "r2b", 10, 1));
            assertThat(s.service().queueSize()).isEqualTo(1);
        }
        assertThat(audit("screened")).extracting(e -> e.get("decision").asText()).containsExactly("pass", "pass", "pass", "reject", "pass");
    }
}
