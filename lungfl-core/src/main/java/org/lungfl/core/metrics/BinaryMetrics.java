package org.lungfl.core.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * How well predicted cancer probabilities separate labelled patients: ROC AUC, log loss, Brier
 * score, and decisions at 0.5 and at Youden's threshold (the one maximising sensitivity +
 * specificity − 1). Pure Java so the server can aggregate it without a deep-learning library.
 */
public record BinaryMetrics(
        @JsonProperty("count") int count,
        @JsonProperty("positives") int positives,
        @JsonProperty("auc") double auc,
        @JsonProperty("log_loss") double logLoss,
        @JsonProperty("brier") double brier,
        @JsonProperty("at_half") ConfusionMatrix atHalf,
        @JsonProperty("at_youden") ConfusionMatrix atYouden) {

    /** Probabilities are clipped to [EPS, 1 − EPS] in the log loss, so one confident miss is finite. */
    public static final double EPS = 1e-15;

    public static BinaryMetrics of(double[] probabilities, int[] labels) {
        if (probabilities.length != labels.length) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + labels.length + " labels");
        }
        int n = labels.length;
        int pos = 0;
        double logLoss = 0, brier = 0;
        for (int i = 0; i < n; i++) {
            double p = probabilities[i];
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("probability " + p + " at index " + i + " is not in [0, 1]");
            if (labels[i] != 0 && labels[i] != 1) throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is not 0 or 1");
            pos += labels[i];
            double q = Math.min(Math.max(p, EPS), 1 - EPS);
            logLoss -= labels[i] == 1 ? Math.log(q) : Math.log(1 - q);
            brier += (p - labels[i]) * (p - labels[i]);
        }
        return new BinaryMetrics(n, pos, auc(probabilities, labels), n == 0 ? Double.NaN : logLoss / n,
                n == 0 ? Double.NaN : brier / n, ConfusionMatrix.at(0.5, probabilities, labels),
                ConfusionMatrix.at(youdenThreshold(probabilities, labels), probabilities, labels));
    }

    /**
     * Area under the ROC curve as the Mann–Whitney statistic: the probability that a random cancer
     * scores above a random non-cancer, ties counting one half. NaN when a class is absent.
     */
    public static double auc(double[] probabilities, int[] labels) {
        int n = labels.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(probabilities[a], probabilities[b]));
        long pos = 0;
        double rankSumPos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && probabilities[order[j]] == probabilities[order[i]]) j++;
            double midRank = (i + 1 + j) / 2.0; // ranks i+1..j share their mean
            for (int k = i; k < j; k++) {
                if (labels[order[k]] == 1) {
                    pos++;
                    rankSumPos += midRank;
                }
            }
            i = j;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * The probability cut-off (one of the observed probabilities) with the highest Youden index;
     * the lowest such cut-off on ties. 0.5 when a class is absent, since no cut-off is informative.
     */
    public static double youdenThreshold(double[] probabilities, int[] labels) {
        int n = labels.length;
        long pos = 0;
        for (int l : labels) pos += l;
        long neg = n - pos;
        if (pos == 0 || neg == 0) return 0.5;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
        // Walk cut-offs from high to low; all cases with p >= cut-off are called positive.
        long tp = 0, fp = 0;
        double best = Double.NEGATIVE_INFINITY, bestCut = 0.5;
        for (int i = 0; i < n; ) {
            double cut = probabilities[order[i]];
            while (i < n && probabilities[order[i]] == cut) {
                if (labels[order[i]] == 1) tp++; else fp++;
                i++;
            }
            double j = (double) tp / pos - (double) fp / neg;
            if (j >= best) {
                best = j;
                bestCut = cut;
            }
        }
        return bestCut;
    }
}
