package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.aggregation.LocalTensors;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/** FedBN against a real server: the sites' BatchNorm statistics never enter the global model, nor the screening norm. */
class FedBnServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    /** A site's update: weights near the base, BatchNorm statistics of its own scanners. */
    private static Weights site(Weights base, long seed, float mean, float var, long batches) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : Uploads.around(base, seed, 0.002, 1, batches).tensors()) {
            if (t.name().endsWith(".running_mean")) out.add(filled(t, mean));
            else if (t.name().endsWith(".running_var")) out.add(filled(t, var));
            else out.add(t);
        }
        return new Weights(out);
    }

    private static Tensor filled(Tensor t, float value) {
        float[] v = new float[t.size()];
        java.util.Arrays.fill(v, value);
        return Tensor.ofFloats(t.name(), t.shape(), v);
    }

    @Test
    void theServerAveragesAllButTheBatchNormStatistics() throws Exception {
        FederationPlan plan = Uploads.planWithAggregation("{\"strategy\": \"fedavg\", \"fedbn\": true}");
        try (LungflServer s = LungflServer.start(TestStores.config(dir, plan).withHostPort("127.0.0.1", 0).withCapacity(2).withOpen(true))) {
            String url = s.url();
            Weights v0 = Uploads.version(url, 0, null);
            Weights a = site(v0, 1, 0.3f, 2.0f, 40), b = site(v0, 2, -0.2f, 0.5f, 90);
            Uploads.post(url, "/upload", Uploads.upload(a, "site-a", "1", 10, 0), null);
            Uploads.post(url, "/upload", Uploads.upload(b, "site-b", "1", 30, 0), null);
            Weights v1 = Uploads.version(url, 1, null);
            for (Tensor t : v1.tensors()) {
                if (LocalTensors.isLocal(t.name())) {
                    assertThat(t).as(t.name()).isEqualTo(v0.get(t.name()));
                } else if (t.dtype() == DType.F32) {
                    float[] x = a.get(t.name()).floats(), y = b.get(t.name()).floats();
                    for (int j = 0; j < x.length; j++) assertThat(t.floats()[j]).isCloseTo((10 * x[j] + 30 * y[j]) / 40, within(1e-6f));
                }
            }
            // Without FedBN the statistics would be averaged: (10·0.3 − 30·0.2) / 40 = −0.075.
            assertThat(v1.get("blocks.0.bn.running_mean").floats()).containsOnly(0f);

            // Round 2: a site whose scanners differ wildly passes screening, which ignores the statistics.
            Uploads.post(url, "/upload", Uploads.upload(site(v1, 3, 0.1f, 1.0f, 10), "site-a", "2", 10, 1), null);
            Uploads.post(url, "/upload", Uploads.upload(site(v1, 4, 0.0f, 1.0f, 10), "site-b", "2", 10, 1), null);
            var r = Uploads.post(url, "/upload", Uploads.upload(site(v1, 5, 400f, 9000f, 10), "site-c", "2", 10, 1), null);
            JsonNode ack = JSON.readTree(r.body());
            assertThat(ack.get("accepted").asBoolean()).as(r.body()).isTrue();
            assertThat(ack.has("quarantined")).isFalse();
        }
    }
}
