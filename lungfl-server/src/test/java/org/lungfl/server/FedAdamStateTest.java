package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.aggregation.AggregationStrategy;
import org.lungfl.core.aggregation.Contribution;
import org.lungfl.core.aggregation.InMemoryAggregation;
import org.lungfl.core.aggregation.InMemoryServerState;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;

/** FedAdam's moments survive a server restart: two rounds with a restart between equal two rounds in one process. */
class FedAdamStateTest {
    @TempDir Path dir;

    @Test
    void theMomentsAreKeptDurablyWithTheVersions() throws Exception {
        FederationPlan plan = Uploads.planWithAggregation("{\"strategy\": \"fedadam\", \"server_optimizer\": {\"learning_rate\": 0.003}}");
        ServerConfig config = TestStores.config(dir, plan).withHostPort("127.0.0.1", 0).withCapacity(2).withOpen(true);
        Weights v0 = plan.initialWeights();
        Weights a1 = Uploads.around(v0, 1, 0.002, 1, 1), b1 = Uploads.around(v0, 2, 0.002, 1, 1);
        Weights v1;
        try (LungflServer s = LungflServer.start(config)) {
            Uploads.post(s.url(), "/upload", Uploads.upload(a1, "a", "1", 10, 0), null);
            Uploads.post(s.url(), "/upload", Uploads.upload(b1, "b", "1", 30, 0), null);
            v1 = Uploads.version(s.url(), 1, null);
        }
        if (!TestStores.POSTGRES) assertThat(dir.resolve(OptimizerStateFiles.DIR).resolve("v00000001-m.safetensors")).exists();
        Weights a2 = Uploads.around(v1, 3, 0.002, 1, 2), b2 = Uploads.around(v1, 4, 0.002, 1, 2);
        Weights v2;
        try (LungflServer s = LungflServer.start(config)) {
            Uploads.post(s.url(), "/upload", Uploads.upload(a2, "a", "2", 10, 1), null);
            Uploads.post(s.url(), "/upload", Uploads.upload(b2, "b", "2", 30, 1), null);
            v2 = Uploads.version(s.url(), 2, null);
        }

        AggregationStrategy inProcess = AggregationStrategy.of(plan.aggregation(), new InMemoryServerState(), null);
        Weights m1 = InMemoryAggregation.aggregate(inProcess, 0, Map.of(0L, v0), List.of(a1, b1), List.of(new Contribution(10, 0), new Contribution(30, 0)));
        Weights m2 = InMemoryAggregation.aggregate(inProcess, 1, Map.of(1L, m1), List.of(a2, b2), List.of(new Contribution(10, 1), new Contribution(30, 1)));
        assertThat(v1).isEqualTo(m1);
        assertThat(v2).isEqualTo(m2);
        // Had the restart lost the moments, round 2 would have started from zero, as a fresh optimiser does:
        Weights fresh = InMemoryAggregation.aggregate(AggregationStrategy.of(plan.aggregation()), 1, Map.of(1L, m1), List.of(a2, b2),
                List.of(new Contribution(10, 1), new Contribution(30, 1)));
        assertThat(v2).isNotEqualTo(fresh);
        // Only the newest versions' state is kept.
        if (TestStores.POSTGRES) return;
        try (var files = Files.list(dir.resolve(OptimizerStateFiles.DIR))) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted()).containsExactly("v00000001-m.safetensors", "v00000001-v.safetensors",
                    "v00000002-m.safetensors", "v00000002-v.safetensors");
        }
    }
}
