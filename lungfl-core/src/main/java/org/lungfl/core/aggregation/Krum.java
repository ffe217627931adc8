package org.lungfl.core.aggregation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Krum and multi-Krum (Blanchard et al. 2017, "Machine learning with adversaries: Byzantine
 * tolerant gradient descent"), on whole deltas: with f assumed attackers among K updates, each
 * update's score is the sum of squared distances to its K − f − 2 nearest other deltas; Krum takes
 * the delta with the lowest score, multi-Krum the m lowest (m = K − f unless the plan says
 * otherwise), averaged with FedAvg's staleness-aware sample weights (as Flower does). The
 * distances come from a first streaming pass: K(K−1)/2 numbers, never K models in memory.
 * Needs K ≥ 2f + 3.
 */
final class Krum implements AggregationStrategy {
    private final int byzantine;
    /** How many to average; 0: K − f. */
    private final int selected;
    private final FedAvg weights;

    Krum(int byzantine, int selected, double stalenessExponent) {
        if (byzantine < 0 || selected < 0) throw new IllegalArgumentException("f and m must be >= 0");
        this.byzantine = byzantine;
        this.selected = selected;
        this.weights = new FedAvg(stalenessExponent);
    }

    @Override
    public String name() {
        return selected == 1 ? org.lungfl.core.plan.AggregationOptions.KRUM : org.lungfl.core.plan.AggregationOptions.MULTI_KRUM;
    }

    @Override
    public int minimumContributors() {
        return 2 * byzantine + 3;
    }

    /** Indices of the m updates with the lowest scores, lowest first (ties: the earlier update). */
    static int[] select(double[][] squaredDistance, int byzantine, int m) {
        int k = squaredDistance.length;
        int neighbours = k - byzantine - 2;
        double[] score = new double[k];
        for (int i = 0; i < k; i++) {
            double[] d = new double[k - 1];
            for (int j = 0, c = 0; j < k; j++) if (j != i) d[c++] = squaredDistance[i][j];
            Arrays.sort(d);
            for (int j = 0; j < neighbours; j++) score[i] += d[j];
        }
        return IntStream.range(0, k).boxed().sorted(Comparator.<Integer>comparingDouble(i -> score[i]).thenComparingInt(i -> i))
                .limit(m).mapToInt(Integer::intValue).toArray();
    }

    @Override
    public Round begin(long v, List<Contribution> contributions) {
        int k = contributions.size();
        if (k < minimumContributors()) {
            throw new IllegalArgumentException(name() + " with f = " + byzantine + " needs at least " + minimumContributors()
                    + " updates in a round, got " + k);
        }
        int m = Math.min(selected == 0 ? k - byzantine : selected, k - byzantine);
        double[] fedavg = weights.shares(v, contributions);
        DeltaGeometry geometry = new DeltaGeometry(k, true);
        return new DeltaRound(v, contributions, geometry) {
            private final double[] share = new double[k];
            private int[] chosen;

            @Override
            protected void measured(DeltaGeometry g) {
                double[][] d = new double[k][k];
                for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) if (i != j) d[i][j] = g.squaredDistance(i, j);
                chosen = select(d, byzantine, m);
                double total = 0;
                for (int i : chosen) total += fedavg[i];
                for (int i : chosen) share[i] = fedavg[i] / total;
            }

            @Override
            public double share(int contribution) {
                return share[contribution];
            }

            @Override
            protected void combine(DeltaSlices d, Inputs in, double[] step, int n) {
                if (chosen == null) throw new IllegalStateException("Krum combines only after its first pass");
                for (int i : chosen) {
                    float[] x = d.delta(i);
                    double a = share[i];
                    for (int j = 0; j < n; j++) step[j] += a * x[j];
                }
            }
        };
    }
}
