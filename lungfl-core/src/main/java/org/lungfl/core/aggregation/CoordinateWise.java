package org.lungfl.core.aggregation;

import java.util.Arrays;
import java.util.List;

/**
 * Coordinate-wise robust rules (Yin et al. 2018, "Byzantine-robust distributed learning: towards
 * optimal statistical rates"): for every coordinate j, the K deltas' values Δ_ij are sorted and
 * the next version is w_v + median_i Δ_ij, or w_v + the mean of the values left after dropping
 * the ⌊β K⌋ largest and the ⌊β K⌋ smallest. Unweighted (a sample count is the client's claim)
 * and without staleness discount; each delta is taken against its own base version.
 */
final class CoordinateWise implements AggregationStrategy {
    private final String name;
    /** Fraction dropped at each end; negative for the median. */
    private final double trimFraction;

    private CoordinateWise(String name, double trimFraction) {
        this.name = name;
        this.trimFraction = trimFraction;
    }

    static CoordinateWise trimmedMean(double trimFraction) {
        if (!(trimFraction >= 0 && trimFraction < 0.5)) throw new IllegalArgumentException("trim fraction must be in [0, 0.5), got " + trimFraction);
        return new CoordinateWise(org.lungfl.core.plan.AggregationOptions.TRIMMED_MEAN, trimFraction);
    }

    static CoordinateWise median() {
        return new CoordinateWise(org.lungfl.core.plan.AggregationOptions.MEDIAN, -1);
    }

    @Override
    public String name() {
        return name;
    }

    /** How many values a round of K drops at each end. */
    int trimmed(int k) {
        return (int) Math.floor(trimFraction * k);
    }

    @Override
    public Round begin(long v, List<Contribution> contributions) {
        int k = contributions.size();
        int drop = trimFraction < 0 ? -1 : trimmed(k);
        return new DeltaRound(v, contributions, null) {
            private final float[] column = new float[k];

            @Override
            public double share(int contribution) {
                return 1.0 / k;
            }

            @Override
            protected void combine(DeltaSlices d, Inputs in, double[] step, int n) {
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < k; i++) column[i] = d.delta(i)[j];
                    Arrays.sort(column);
                    if (drop < 0) {
                        step[j] = k % 2 == 1 ? column[k / 2] : ((double) column[k / 2 - 1] + column[k / 2]) / 2;
                    } else {
                        double s = 0;
                        for (int i = drop; i < k - drop; i++) s += column[i];
                        step[j] = s / (k - 2 * drop);
                    }
                }
            }
        };
    }
}
