package org.lungfl.core.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Counts of a binary decision at one threshold: a case is called positive when its probability is
 * at least {@code threshold}. Rates of an empty class are NaN, not a made-up 0 or 1.
 */
public record ConfusionMatrix(
        @JsonProperty("threshold") double threshold,
        @JsonProperty("tp") long tp,
        @JsonProperty("fp") long fp,
        @JsonProperty("tn") long tn,
        @JsonProperty("fn") long fn) {

    public static ConfusionMatrix at(double threshold, double[] probabilities, int[] labels) {
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < probabilities.length; i++) {
            boolean called = probabilities[i] >= threshold;
            if (labels[i] == 1) {
                if (called) tp++; else fn++;
            } else {
                if (called) fp++; else tn++;
            }
        }
        return new ConfusionMatrix(threshold, tp, fp, tn, fn);
    }

    @JsonProperty("accuracy")
    public double accuracy() {
        return ratio(tp + tn, tp + fp + tn + fn);
    }

    /** True-positive rate (recall): the share of cancers the model calls cancer. */
    @JsonProperty("sensitivity")
    public double sensitivity() {
        return ratio(tp, tp + fn);
    }

    /** True-negative rate: the share of healthy patients the model calls healthy. */
    @JsonProperty("specificity")
    public double specificity() {
        return ratio(tn, tn + fp);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}
