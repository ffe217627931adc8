package org.lungfl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;
import org.lungfl.server.TokenStore;

/** FlClient against a real server with tokens on a loopback port. */
class FlClientTest {
    static final FederationPlan PLAN = FederationPlan.preset("demo");
    @TempDir Path dir;

    private static byte[] update(Weights w, String client, String updateId, String samples, String fingerprint) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("client_id", client);
        m.put("update_id", updateId);
        m.put("num_samples", samples);
        m.put("base_version", "0");
        m.put("plan_fingerprint", fingerprint);
        return SafeTensors.write(w, m);
    }

    @Test
    void talksToARealServerAndExplainsEveryRefusal() throws Exception {
        String token = new TokenStore(dir).add("site-a", false);
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(2)
                .withMaxBodyBytes(2L << 20))) {
            FlClient c = new FlClient(URI.create(s.url() + "/"), token, "site-a");
            assertThat(c.plan().fingerprint()).isEqualTo(PLAN.fingerprint());
            FlClient.Model v0 = c.download(null).orElseThrow();
            assertThat(v0.version()).isZero();
            assertThat(c.download(v0.etag())).isEmpty();
            assertThat(c.download(0).safetensors()).isEqualTo(v0.safetensors());
            Weights w = SafeTensors.read(v0.safetensors()).weights();

            FlClient.UploadResult r = c.upload(update(w, "site-a", "u1", "10", PLAN.fingerprint()));
            assertThat(r.queueSize()).isEqualTo(1);
            assertThat(r.capacity()).isEqualTo(2);
            assertThat(r.aggregated()).isFalse();
            assertThat(c.upload(update(w, "site-a", "u1", "10", PLAN.fingerprint())).duplicate()).isTrue();
            assertThat(c.status().get("queue_size").asInt()).isEqualTo(1);

            assertThatThrownBy(() -> c.upload(update(w, "site-a", "u2", "10", "feedbeef"))).isInstanceOf(FlClientException.class)
                    .hasMessageContaining("(409 plan_mismatch)").hasMessageContaining("plan 'demo'");
            assertThatThrownBy(() -> c.upload(update(w, "site-a", "u3", "0", PLAN.fingerprint())))
                    .hasMessageContaining("update rejected (422): num_samples is 0");
            assertThatThrownBy(() -> c.upload(new byte[3 << 20])).hasMessageContaining("update too large (413)");
            assertThatThrownBy(() -> c.download(9)).hasMessageContaining("failed with 404 (version_not_kept)");
            FlClient stranger = new FlClient(URI.create(s.url()), "lfl_nope", null);
            assertThatThrownBy(stranger::status).isInstanceOfSatisfying(FlClientException.class, e -> assertThat(e.status()).isEqualTo(401))
                    .hasMessageContaining("refused the token (401)");
            assertThatThrownBy(() -> c.upload(update(w, "site-b", "u4", "10", PLAN.fingerprint()))).hasMessageContaining("(403)");
        }
        FlClient gone = new FlClient(URI.create("http://127.0.0.1:9"), null, null);
        assertThatThrownBy(gone::status).isInstanceOfSatisfying(FlClientException.class, e -> assertThat(e.status()).isZero())
                .hasMessageContaining("unreachable");
    }

    @Test
    void aQuarantinedUpdateIsReportedAsSuch() throws Exception {
        FederationPlan plan = FederationPlan.parse(new String(PLAN.toJson()).replaceFirst("\"screening\" : \\{[^}]*\\}",
                "\"screening\" : {\"factor\" : 3, \"min_updates\" : 2}").getBytes(), "screening plan");
        assertThat(plan.aggregation().screening().factor()).isEqualTo(3);
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir, plan).withHostPort("127.0.0.1", 0).withCapacity(5).withOpen(true))) {
            Weights v0 = SafeTensors.read(new FlClient(URI.create(s.url()), null, "x").download(0).safetensors()).weights();
            FlClient.UploadResult ok = null;
            for (String site : new String[] {"a", "b", "c"}) {
                ok = new FlClient(URI.create(s.url()), null, site).upload(update(shifted(v0, 0.01f), site, "u", "10", PLAN.fingerprint()));
            }
            assertThat(ok.quarantined()).isNull();
            FlClient.UploadResult q = new FlClient(URI.create(s.url()), null, "d").upload(update(shifted(v0, 0.5f), "d", "u", "10", PLAN.fingerprint()));
            assertThat(q.quarantined()).contains("delta norm").contains("limit 3.0 x");
            assertThat(q.queueSize()).isEqualTo(3);
        }
    }

    private static Weights shifted(Weights w, float by) {
        java.util.List<org.lungfl.core.tensor.Tensor> out = new java.util.ArrayList<>();
        for (var t : w.tensors()) {
            if (t.dtype() != org.lungfl.core.tensor.DType.F32) {
                out.add(t);
                continue;
            }
            float[] v = t.floats().clone();
            for (int j = 0; j < v.length; j++) v[j] += by;
            out.add(org.lungfl.core.tensor.Tensor.ofFloats(t.name(), t.shape(), v));
        }
        return new Weights(out);
    }
}
