package org.lungfl.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.model.Cohort;
import org.lungfl.model.LungModel;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;
import org.lungfl.server.TokenStore;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;

/**
 * The lesion-centred pipeline learns, and learns federated: two hospitals of full-size synthetic
 * CT with annotated nodules, the demo plan, a real server, three rounds of FedAvg. The global model
 * then tells nodule candidates from the others on a held-out set of patients no site has seen.
 * Every seed is fixed (data, plan, shuffles, libtorch's generator), so the run is repeatable.
 */
class LesionFederationTest {
    /** Solid nodules of 10–30 mm, no granulomas: visible at 1.5 mm, so a few rounds suffice. */
    static final PhantomModel VISIBLE = new PhantomModel(10, 10, 30, 0, 0, 0, 0.25, 0.25, 0, 0, 3, 8, -850, 30, 40);

    @TempDir Path dir;

    @Test
    void threeRoundsOfFedAvgLearnToTellNodulesFromTheOtherCandidates() throws Exception {
        Path data = dir.resolve("data");
        SynthDataset.generate(new SynthDataset.Options(2, 10, 10, 0.6, 0, 17, false, VISIBLE, null, null, 2), data, "test", "test",
                (done, total, bytes) -> {});
        // The demo plan, with four local epochs of smaller batches per round: 20 patients make few steps per epoch.
        FederationPlan demo = FederationPlan.preset("demo");
        FederationPlan plan = new FederationPlan(demo.name(), demo.architecture(), demo.seed(), demo.preprocess(), demo.candidates(),
                demo.patch(), new FederationPlan.Train(4, 16, 1e-3, 0, 0.2, true), demo.aggregation());
        Path serverDir = dir.resolve("server");
        java.nio.file.Files.createDirectories(serverDir);
        TokenStore tokens = new TokenStore(serverDir);
        List<String> sites = List.of("site-1", "site-2");
        List<String> secrets = new ArrayList<>();
        for (String s : sites) secrets.add(tokens.add(s, false));
        int rounds = 3;
        try (LungflServer server = LungflServer.start(ServerConfig.defaults(serverDir, plan).withHostPort("127.0.0.1", 0).withCapacity(2))) {
            StopSignal stop = new StopSignal();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < sites.size(); k++) {
                String site = sites.get(k);
                FlClient c = new FlClient(List.of(URI.create(server.url())), secrets.get(k), site, null, Duration.ofMinutes(2), Failover.UNATTENDED, stop);
                Path siteData = data.resolve(site);
                var source = new LocalData.Source(siteData.resolve("dicom"), siteData.resolve("labels.csv"), siteData.resolve("nodules.csv"),
                        dir.resolve("cache").resolve(site));
                var options = new FederatedTrainingCycle.Options(source, dir.resolve("out").resolve(site), null, Duration.ofMinutes(5),
                        Duration.ofMillis(300), 1);
                Thread t = new Thread(() -> {
                    try {
                        assertThat(new FederatedTrainingCycle(c, options, stop, new FederatedTrainingCycle.Listener() {}).trainFederated(rounds)
                                .roundsCompleted()).isEqualTo(rounds);
                    } catch (Throwable e) {
                        failures.add(e);
                        stop.raise();
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) t.join();
            assertThat(failures).isEmpty();
            FlClient reader = new FlClient(List.of(URI.create(server.url())), secrets.get(0), sites.get(0), null, Duration.ofMinutes(1),
                    Failover.UNATTENDED, new StopSignal());
            FlClient.Model latest = reader.downloadGlobalModel();
            assertThat(latest.version()).isEqualTo(rounds);

            Path test = data.resolve(SynthDataset.TEST_SITE);
            Cohort unseen = LocalData.importAll(plan, new LocalData.Source(test.resolve("dicom"), test.resolve("labels.csv"),
                    test.resolve("nodules.csv"), dir.resolve("cache").resolve("test")), 2, (done, total) -> {});
            var global = latest.weights();
            Cohort.Evaluation before, after;
            try (LungModel model = LungModel.of(plan, plan.initialWeights())) {
                before = unseen.evaluate(model);
                model.load(global);
                after = unseen.evaluate(model);
            }
            assertThat(after.candidates().positives()).as("candidates on a malignant nodule in the held-out set").isGreaterThanOrEqualTo(5);
            assertThat(after.candidates().auc()).as("candidate-level AUC of global version %d (version 0: %.3f)", rounds,
                    before.candidates().auc()).isGreaterThanOrEqualTo(0.9);
        }
    }
}
