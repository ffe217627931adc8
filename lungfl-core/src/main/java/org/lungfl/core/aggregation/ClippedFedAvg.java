package org.lungfl.core.aggregation;

import java.util.List;
import org.lungfl.core.plan.AggregationOptions;

/**
 * FedAvg of norm-clipped deltas: each delta Δ_i is scaled by min(1, c / ‖Δ_i‖₂), the norm taken
 * over the whole update, then averaged with FedAvg's staleness-aware sample weights. The bound c
 * is fixed by the plan or, adaptively, a multiple of the median delta norm of the round, so that
 * one site cannot move the model further than a typical site does (norm bounding as in Sun et al.
 * 2019, "Can you really backdoor federated learning?"; the adaptive bound as in Andrew et al. 2021).
 */
final class ClippedFedAvg implements AggregationStrategy {
    private final AggregationOptions.Clipping clipping;
    private final FedAvg weights;

    ClippedFedAvg(AggregationOptions.Clipping clipping, double stalenessExponent) {
        this.clipping = clipping;
        this.weights = new FedAvg(stalenessExponent);
    }

    @Override
    public String name() {
        return AggregationOptions.CLIPPED_FEDAVG;
    }

    /** The bound for a round whose deltas have these norms. */
    double bound(double[] norms) {
        return clipping.adaptive() ? clipping.medianMultiple() * DeltaGeometry.median(norms) : clipping.norm();
    }

    @Override
    public Round begin(long v, List<Contribution> contributions) {
        double[] share = weights.shares(v, contributions);
        int k = contributions.size();
        return new DeltaRound(v, contributions, new DeltaGeometry(k, false)) {
            private final double[] coefficient = new double[k];
            private boolean measured;

            @Override
            protected void measured(DeltaGeometry g) {
                double[] norms = g.norms();
                double c = bound(norms);
                for (int i = 0; i < k; i++) coefficient[i] = share[i] * DeltaGeometry.clipFactor(norms[i], c);
                measured = true;
            }

            @Override
            public double share(int contribution) {
                return share[contribution];
            }

            @Override
            protected void combine(DeltaSlices d, Inputs in, double[] step, int n) {
                if (!measured) throw new IllegalStateException("clipping combines only after its first pass");
                for (int i = 0; i < k; i++) {
                    float[] x = d.delta(i);
                    double a = coefficient[i];
                    for (int j = 0; j < n; j++) step[j] += a * x[j];
                }
            }
        };
    }
}
