package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.lungfl.server.Uploads.PLAN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/** 100 clients upload at once with K = 10: exactly 10 new versions, every update counted once. */
class ConcurrentUploadTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    @Test
    void hundredRacingClientsGiveExactlyTenRoundsAndCorrectAverages() throws Exception {
        int clients = 100, k = 10;
        // All 100 bodies are received at once here (the default bound of 32 would send some a 503 to retry).
        ServerConfig.UploadLimits all = ServerConfig.UploadLimits.DEFAULT;
        all = new ServerConfig.UploadLimits(all.minBytesPerSecond(), all.rateGrace(), all.deadline(), clients, all.perClientPerMinute(),
                all.idleTimeout());
        try (LungflServer server = LungflServer.start(TestStores.config(dir, Uploads.unscreenedPlan()).withHostPort("127.0.0.1", 0)
                .withCapacity(k).withOpen(true).withRetention(50).withUploadLimits(all))) {
            String url = server.url();
            // Client i uploads the constant i + 1 with 10 + i samples: each average is checkable by hand.
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < clients; i++) bodies.add(Uploads.update("site-" + i, "u-" + i, 10 + i, 0, i + 1));
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (byte[] b : bodies) sent.add(pool.submit(() -> {
                go.await();
                return Uploads.post(url, "/upload", b, null);
            }));
            go.countDown();
            int aggregatedAcks = 0;
            for (Future<HttpResponse<String>> f : sent) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                if (JSON.readTree(r.body()).get("aggregated").asBoolean()) aggregatedAcks++;
            }
            pool.shutdown();
            if (TestStores.POSTGRES) {
                // Any replica's sweeper may run a full queue's round (docs/scaling-out.md), and then no upload's answer says
                // "aggregated": wait for the rounds, and count only what the answers can promise.
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (server.service().snapshot().globalVersion() < clients / k && System.nanoTime() < deadline) Thread.sleep(100);
                assertThat(aggregatedAcks).isBetween(0, clients / k);
            } else {
                assertThat(aggregatedAcks).isEqualTo(clients / k);
            }
            assertThat(server.service().snapshot().globalVersion()).isEqualTo(clients / k);
            assertThat(server.service().queueSize()).isZero();

            // The audit log: ten aggregations of ten, each update in exactly one.
            Map<Long, JsonNode> rounds = new HashMap<>();
            Set<String> counted = new HashSet<>();
            for (String line : TestStores.auditLines(dir)) {
                JsonNode e = JSON.readTree(line);
                if (!e.get("event").asText().equals("aggregated")) continue;
                assertThat(rounds.put(e.get("version").asLong(), e)).isNull();
                assertThat(e.get("contributors")).hasSize(k);
                for (JsonNode c : e.get("contributors")) assertThat(counted.add(c.get("client_id").asText())).isTrue();
            }
            assertThat(rounds.keySet()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
            assertThat(counted).hasSize(clients);

            // The arithmetic: version v+1 = w_v + Σ ω_i (θ_i − w_0) / Σ ω_i with ω_i = n_i (1 + v)^(−1/2).
            float[] w0 = PLAN.initialWeights().get("fc.weight").floats();
            float[] prev = w0;
            for (long v = 0; v < 10; v++) {
                JsonNode e = rounds.get(v + 1);
                double sumW = 0;
                double[] delta = new double[w0.length];
                for (JsonNode c : e.get("contributors")) {
                    int i = Integer.parseInt(c.get("client_id").asText().substring(5));
                    assertThat(c.get("num_samples").asLong()).isEqualTo(10 + i);
                    assertThat(c.get("staleness").asLong()).isEqualTo(v);
                    double w = (10 + i) * Math.pow(1 + v, -0.5);
                    sumW += w;
                    for (int j = 0; j < w0.length; j++) delta[j] += w * ((i + 1) - w0[j]);
                }
                Weights got = SafeTensors.read(Uploads.download(url, "?version=" + (v + 1), null, null).body()).weights();
                float[] now = got.get("fc.weight").floats();
                for (int j = 0; j < w0.length; j++) assertThat(now[j]).isCloseTo((float) (prev[j] + delta[j] / sumW), within(1e-4f));
                assertThat(got.get("blocks.0.bn.num_batches_tracked").longs()).containsExactly(3L);
                prev = now;
            }
        }
    }
}
