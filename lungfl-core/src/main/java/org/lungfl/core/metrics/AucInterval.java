package org.lungfl.core.metrics;

import java.util.Locale;

/**
 * A 95 % confidence interval for a ROC AUC measured on few patients, by Hanley and McNeil's
 * standard error (Radiology 1982). With the 40 to 60 test patients of a demo the interval is about
 * ±0.15 wide, so an AUC of 0.6 there is not evidence that a model learned anything; reports say
 * so instead of letting a ratio of two chance-level AUCs look like a result.
 */
public record AucInterval(double auc, double lower, double upper) {
    private static final double Z95 = 1.959964;

    /** NaN bounds when a class is missing (the AUC itself is NaN then): there is nothing to bound. */
    public static AucInterval of(double auc, int positives, int negatives) {
        if (positives < 0 || negatives < 0) throw new IllegalArgumentException(positives + " positives and " + negatives + " negatives");
        if (positives == 0 || negatives == 0 || Double.isNaN(auc)) return new AucInterval(auc, Double.NaN, Double.NaN);
        if (!(auc >= 0 && auc <= 1)) throw new IllegalArgumentException("AUC " + auc + " is not in [0, 1]");
        double se = Math.sqrt(hanleyMcNeilVariance(auc, positives, negatives));
        return new AucInterval(auc, Math.max(0, auc - Z95 * se), Math.min(1, auc + Z95 * se));
    }

    /** Variance of the AUC estimate; at AUC 0.5 it equals the Mann–Whitney null variance (m + n + 1) / (12 m n). */
    static double hanleyMcNeilVariance(double a, int positives, int negatives) {
        double q1 = a / (2 - a), q2 = 2 * a * a / (1 + a);
        return (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / ((double) positives * negatives);
    }

    public boolean includesChance() {
        return lower <= 0.5 && upper >= 0.5;
    }

    @Override
    public String toString() {
        if (Double.isNaN(lower)) return String.format(Locale.ROOT, "%.3f (no CI: one class only)", auc);
        return String.format(Locale.ROOT, "%.3f (95%% CI %.2f-%.2f)", auc, lower, upper);
    }
}
