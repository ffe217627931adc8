package org.lungfl.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricNamesTest {
    @Test
    void acceptsWhatTheClientsSend() {
        var m = MetricNames.parse("{\"train_loss\":0.61,\"train_samples\":40,\"val_samples\":8,\"val_auc\":0.75,\"val_log_loss\":0.7,"
                + "\"val_brier\":0.24,\"val_accuracy\":0.5,\"val_sensitivity\":1.0,\"val_specificity\":0,"
                + "\"train_patches\":5000,\"val_candidates\":640,\"val_candidate_auc\":0.99,\"val_patients\":40,\"base_val_auc\":0.7}");
        assertThat(m).hasSize(14).containsEntry("val_auc", 0.75).containsEntry("train_patches", 5000.0);
        assertThat(m.keySet()).containsExactlyInAnyOrderElementsOf(MetricNames.KNOWN.keySet());
        assertThat(MetricNames.parse("{}")).isEmpty();
        assertThat(MetricNames.parse(" {\"val_samples\":8.0}\n")).containsEntry("val_samples", 8.0);
    }

    @Test
    void refusesFreeTextUnknownNamesAndValuesOutOfRange() {
        // The probe of issue 13: a note with patient identifiers and an AUC of 1e300.
        assertThatThrownBy(() -> MetricNames.parse("{\"auc\":1e300,\"note\":\"Jane Doe MRN 12345 DOB 1950-01-01\"}"))
                .isInstanceOf(MetricNames.InvalidMetrics.class).hasMessageStartingWith("unknown metric 'auc'");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":0.5,\"Jane Doe MRN 12345\":1}"))
                .hasMessageStartingWith("an unknown metric name").hasMessageNotContaining("Jane");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":\"0.5\"}")).hasMessage("metric 'val_auc' must be a number");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":{\"x\":1}}")).hasMessage("metric 'val_auc' must be a number");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":1e300}")).hasMessage("metric 'val_auc' must be in [0, 1]");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":1e400}")).hasMessage("metric 'val_auc' is not a finite number");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":-0.1}")).hasMessage("metric 'val_auc' must be in [0, 1]");
        assertThatThrownBy(() -> MetricNames.parse("{\"train_samples\":-1}")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> MetricNames.parse("{\"train_samples\":2.5}")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> MetricNames.parse("{\"train_loss\":-2}")).hasMessage("metric 'train_loss' must be >= 0");
        assertThatThrownBy(() -> MetricNames.parse("{\"train_loss\":NaN}")).hasMessage("metrics is not valid JSON");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":0.5,\"val_auc\":0.9}")).hasMessage("metrics names a metric twice");
        assertThatThrownBy(() -> MetricNames.parse("[0.5]")).hasMessage("metrics must be a JSON object");
        assertThatThrownBy(() -> MetricNames.parse("x".repeat(MetricNames.MAX_CHARS + 1))).hasMessageContaining("longer than 4096");
    }

    @Test
    void refusesTrailingContent() {
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":1}{\"val_auc\":0}")).hasMessage("metrics has content after its JSON object");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":1}\u0000")).hasMessage("metrics is not valid JSON");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":1} x")).hasMessage("metrics is not valid JSON");
        assertThatThrownBy(() -> MetricNames.parse("{\"val_auc\":1")).hasMessage("metrics is not valid JSON");
    }
}
