package org.lungfl.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.metrics.MetricNames;

/** What a client reports with its update passes the server's check (MetricNames), even when training diverged. */
class MetricsContractTest {
    @Test
    void theMetricsAClientSendsAreTheOnesTheServerAccepts() {
        BinaryMetrics v = BinaryMetrics.of(new double[] {0.9, 0.2, 0.7, 0.4}, new int[] {1, 0, 1, 1});
        BinaryMetrics candidates = BinaryMetrics.of(new double[] {0.9, 0.2, 0.7, 0.1, 0.3}, new int[] {1, 0, 1, 0, 0});
        var r = new FederatedTrainingCycle.RoundRecord(1, 0, "u1", 40, 0.61, v, candidates, 0.72, 3.0, Instant.now());
        assertThat(MetricNames.parse(FederatedTrainingCycle.metricsJson(r)).keySet()).containsExactly("train_loss", "train_samples",
                "base_val_auc", "val_candidates", "val_candidate_auc", "val_samples", "val_auc", "val_log_loss", "val_brier", "val_accuracy",
                "val_sensitivity", "val_specificity");
        // A diverged run (NaN loss) and no validation split: still a document the server takes, without the NaN.
        var diverged = new FederatedTrainingCycle.RoundRecord(2, 1, "u2", 40, Double.NaN, null, null, Double.NaN, 3.0, Instant.now());
        assertThat(MetricNames.parse(FederatedTrainingCycle.metricsJson(diverged)).keySet()).containsExactly("train_samples");
    }
}
