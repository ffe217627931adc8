package org.lungfl.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.aggregation.LocalTensors;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;

/**
 * FedBN end to end: two sites train against a real server under a plan with {@code fedbn}. The
 * global model's BatchNorm statistics stay version 0's, while each site carries its own from round
 * to round, and across a restart of the client. BatchNorm's {@code num_batches_tracked} shows it:
 * it counts the site's own training batches, round after round, instead of restarting from the
 * global model's 0.
 */
class FedBnClientTest {
    @TempDir Path dir;

    private static FederationPlan fedbnPlan() {
        return FederationPlan.parse(TinyFederation.PLAN_JSON.replace("\"staleness_exponent\": 0.5", "\"staleness_exponent\": 0.5, \"fedbn\": true")
                .getBytes(), "tiny fedbn plan");
    }

    /** Runs both sites for {@code rounds} rounds; records each site's uploaded weights per round. */
    private void run(String url, Path data, int rounds, Map<String, List<Weights>> uploads) throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String site : List.of("site-1", "site-2")) {
            Path out = dir.resolve(site);
            FlClient c = new FlClient(List.of(URI.create(url)), null, site, null, Duration.ofSeconds(30), Failover.ONCE, new StopSignal());
            var cycle = new FederatedTrainingCycle(c, TinyFederation.options(data, site, out), new StopSignal(), new FederatedTrainingCycle.Listener() {
                @Override
                public void roundDone(FederatedTrainingCycle.RoundRecord r, long newGlobalVersion) {
                    try {
                        uploads.get(site).add(SafeTensors.read(Files.readAllBytes(out.resolve(FederatedTrainingCycle.LOCAL_MODEL))).weights());
                    } catch (java.io.IOException e) {
                        failures.add(e);
                    }
                }
            });
            Thread t = new Thread(() -> {
                try {
                    cycle.trainFederated(rounds);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, site);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join(Duration.ofMinutes(4).toMillis());
        assertThat(failures).isEmpty();
    }

    @Test
    void eachSiteKeepsItsOwnBatchNormStatisticsAcrossRoundsAndRestarts() throws Exception {
        Path data = TinyFederation.sites(dir.resolve("data"), 2, 6);
        FederationPlan plan = fedbnPlan();
        Map<String, List<Weights>> uploads = new ConcurrentHashMap<>(Map.of("site-1", new CopyOnWriteArrayList<>(), "site-2", new CopyOnWriteArrayList<>()));
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("server"), plan).withHostPort("127.0.0.1", 0).withCapacity(2)
                .withOpen(true))) {
            run(s.url(), data, 2, uploads);
            run(s.url(), data, 1, uploads); // the clients restart: new cycles, same output folders
            FlClient watcher = new FlClient(URI.create(s.url()), null, "watcher");
            Weights v0 = watcher.download(0).weights(), v3 = watcher.download(3).weights();
            for (Tensor t : v3.tensors()) {
                if (LocalTensors.isLocal(t.name())) assertThat(t).as(t.name()).isEqualTo(v0.get(t.name()));
                else assertThat(t).as(t.name()).isNotEqualTo(v0.get(t.name()));
            }
        }
        String counter = "blocks.0.bn.num_batches_tracked", mean = "blocks.2.bn.running_mean";
        for (String site : List.of("site-1", "site-2")) {
            List<Weights> u = uploads.get(site);
            assertThat(u).hasSize(3);
            long perRound = u.get(0).get(counter).longs()[0];
            assertThat(perRound).isPositive();
            // Rounds 2 and 3 started from the site's own counter, not from the global model's 0.
            assertThat(u.get(1).get(counter).longs()).containsExactly(2 * perRound);
            assertThat(u.get(2).get(counter).longs()).containsExactly(3 * perRound);
        }
        assertThat(uploads.get("site-1").get(2).get(mean)).isNotEqualTo(uploads.get("site-2").get(2).get(mean));
    }
}
