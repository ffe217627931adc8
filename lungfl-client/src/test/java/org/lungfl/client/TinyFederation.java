package org.lungfl.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;

/**
 * Small synthetic hospitals and a plan with tiny volumes, so a federated round takes seconds. Public
 * in this module's test jar: the desktop client's tests use the same federation.
 */
public final class TinyFederation {
    public static final String PLAN_JSON = """
            {"name": "tiny", "architecture": "cnn3d-v1", "seed": 11,
             "preprocess": {"spacing_mm": [10.0, 10.0, 10.0], "target_shape": [16, 32, 32], "hu_window": [-1000.0, 400.0], "mean": 0.25},
             "train": {"epochs_per_round": 1, "batch_size": 4, "learning_rate": 0.001, "fedprox_mu": 0.0, "validation_fraction": 0.25,
                       "augment": false},
             "aggregation": {"strategy": "fedavg", "staleness_exponent": 0.5}}
            """;

    private TinyFederation() {}

    /** A port nothing listens on right now, for a server a test starts (and may stop and restart) itself. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static FederationPlan plan() {
        return FederationPlan.parse(PLAN_JSON.getBytes(), "tiny test plan");
    }

    public static Path planFile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("tiny-plan.json"), PLAN_JSON);
    }

    /** {@code dir/site-k/dicom/<patient>/...} and {@code dir/site-k/labels.csv}, half of them with cancer. */
    public static Path sites(Path dir, int sites, int patientsPerSite) {
        SynthDataset.generate(new SynthDataset.Options(sites, patientsPerSite, 0, 0.5, 0, 3, true, PhantomModel.DEFAULT, null, null, 2), dir,
                "test", "test", (done, total, bytes) -> {});
        return dir;
    }

    public static FederatedTrainingCycle.Options options(Path data, String site, Path out) {
        var source = new LocalData.Source(data.resolve(site).resolve("dicom"), data.resolve(site).resolve("labels.csv"), null,
                out.resolve("cache"));
        return new FederatedTrainingCycle.Options(source, out, null, java.time.Duration.ofMinutes(3), java.time.Duration.ofMillis(300), 1);
    }
}
