package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.server.Uploads.PLAN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/**
 * Issue 13, item 3: finite uploads must never produce a published version holding ±Inf. Exact
 * arithmetic keeps a finite aggregate finite; an aggregate truly beyond float range is refused:
 * nothing published, the queue kept, the refusal audited and shown in /status.
 */
class NonFiniteRoundTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final float MAX = Float.MAX_VALUE;
    @TempDir Path dir;

    private static byte[] update(String client, String id, long base, Weights w) {
        return SafeTensors.write(w, Uploads.meta(client, id, 10, base));
    }

    /** fc.bias at {@code bias}, everything else as in version 0. */
    private static Weights v0WithBias(float bias) {
        Weights w = PLAN.initialWeights();
        java.util.Arrays.fill(w.get("fc.bias").floats(), bias);
        return w;
    }

    private static Weights download(String url, long version) throws Exception {
        return SafeTensors.read(Uploads.download(url, "?version=" + version, null, null).body()).weights();
    }

    @Test
    void finiteUploadsNearTheFloatRangeGiveAFiniteVersionThatClientsCanUploadAgain() throws Exception {
        try (LungflServer s = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(1).withOpen(true))) {
            String url = s.url();
            // The probe of issue 13 with K = 1: −FLT_MAX, an unchanged copy, then a stale +FLT_MAX from the older base.
            assertThat(Uploads.post(url, "/upload", update("a", "1", 0, v0WithBias(-MAX)), null).statusCode()).isEqualTo(200);
            assertThat(Uploads.post(url, "/upload", update("b", "1", 1, download(url, 1)), null).statusCode()).isEqualTo(200);
            assertThat(Uploads.post(url, "/upload", update("c", "1", 1, v0WithBias(MAX)), null).statusCode()).isEqualTo(200);
            Weights v3 = download(url, 3);
            assertThat(v3.get("fc.bias").floats()).containsOnly(MAX);
            for (Tensor t : v3.tensors()) {
                if (t.dtype() == DType.F32) for (float x : t.floats()) assertThat(Float.isFinite(x)).as(t.name()).isTrue();
            }
            // An honest client re-uploading the published model is accepted: the federation is not stuck.
            var again = Uploads.post(url, "/upload", update("d", "1", 3, v3), null);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(4);
        }
    }

    @Test
    void anAggregateBeyondFloatRangeIsRefusedAuditedShownAndTheQueueKept() throws Exception {
        ServerConfig config = TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(1).withOpen(true);
        try (LungflServer s = LungflServer.start(config)) {
            String url = s.url();
            assertThat(Uploads.post(url, "/upload", update("a", "1", 0, v0WithBias(MAX)), null).statusCode()).isEqualTo(200);
            // Stale, from version 0 where fc.bias is 0: v2 = v1 + (MAX − 0) = 2 MAX, not a float.
            var r = Uploads.post(url, "/upload", update("b", "1", 0, v0WithBias(MAX)), null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode ack = JSON.readTree(r.body());
            assertThat(ack.get("aggregated").asBoolean()).isFalse();
            assertThat(ack.get("global_version").asLong()).isEqualTo(1);
            assertThat(s.service().store().isKept(2)).isFalse();
            assertThat(Uploads.download(url, "?version=2", null, null).statusCode()).isEqualTo(404);

            JsonNode status = JSON.readTree(Uploads.get(url, "/status", null).body());
            assertThat(status.get("queue_size").asInt()).isEqualTo(1);
            JsonNode refused = status.get("aggregation_refused");
            assertThat(refused.get("version").asLong()).isEqualTo(2);
            assertThat(refused.get("reason").asText()).isEqualTo("the aggregate is not finite: tensor 'fc.bias' would hold Infinity at index 0");
            assertThat(refused.get("clients")).extracting(JsonNode::asText).containsExactly("b");
            JsonNode audited = null;
            for (String line : TestStores.auditLines(dir)) if (line.contains("\"event\":\"refused\"")) audited = JSON.readTree(line);
            assertThat(audited).isNotNull();
            assertThat(audited.get("contributors").get(0).get("client_id").asText()).isEqualTo("b");

            // The coordinator decides: here, clear. The next round publishes and the refusal is no longer shown.
            assertThat(Uploads.post(url, "/api/v1/admin/clear", new byte[0], null).body()).contains("\"cleared\":1");
            assertThat(Uploads.post(url, "/upload", update("c", "1", 1, download(url, 1)), null).body()).contains("\"aggregated\":true");
            assertThat(JSON.readTree(Uploads.get(url, "/status", null).body()).get("aggregation_refused").isNull()).isTrue();
        }
    }

    @Test
    void aStaleUpdateCannotPublishANegativeRunningVarianceThatClientsCouldNotUploadAgain() throws Exception {
        try (LungflServer s = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(1).withOpen(true))) {
            String url = s.url();
            // Every F32 value 0.1: v1's running variances are 0.1 where version 0 had 1.
            assertThat(Uploads.post(url, "/upload", Uploads.update("a", "1", 10, 0, 0.1f), null).statusCode()).isEqualTo(200);
            // Stale from version 0: v2 = v1 + (0.1 − 1) = −0.8 for every running variance, published as 0.
            assertThat(Uploads.post(url, "/upload", Uploads.update("b", "1", 10, 0, 0.1f), null).statusCode()).isEqualTo(200);
            Weights v2 = download(url, 2);
            assertThat(v2.get("blocks.0.bn.running_var").floats()).containsOnly(0f);
            // Only variances stop at 0: the running mean moves on, 0.1 + (0.1 − 0) = 0.2.
            for (float m : v2.get("blocks.0.bn.running_mean").floats()) assertThat(m).isCloseTo(0.2f, org.assertj.core.api.Assertions.within(1e-6f));
            var again = Uploads.post(url, "/upload", update("c", "1", 2, v2), null);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        }
    }

    @Test
    void aRefusedRoundIsRefusedAgainAfterARestartAndTheServerStillStarts() throws Exception {
        ServerConfig config = TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(2).withOpen(true);
        try (LungflServer s = LungflServer.start(config)) {
            Uploads.post(s.url(), "/upload", update("a", "1", 0, v0WithBias(MAX)), null);
            Uploads.post(s.url(), "/upload", update("b", "1", 0, v0WithBias(MAX)), null);
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
            Uploads.post(s.url(), "/upload", update("c", "1", 0, v0WithBias(MAX)), null);
            Uploads.post(s.url(), "/upload", update("d", "1", 1, v0WithBias(MAX)), null);
            // v2 = v1 + ω_c (MAX − 0) + ω_d (MAX − MAX): ω_c ≈ 0.41 of MAX on top of MAX.
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
            assertThat(s.service().queueSize()).isEqualTo(2);
        }
        try (LungflServer s = LungflServer.start(config)) {
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
            assertThat(s.service().queueSize()).isEqualTo(2);
            assertThat(s.service().refused()).isNotNull();
        }
    }
}
