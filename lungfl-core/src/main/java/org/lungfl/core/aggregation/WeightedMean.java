package org.lungfl.core.aggregation;

import java.util.List;

/** FedAvg's Δ̄ = Σ ω_i Δ_i / Σ ω_i with ω_i = n_i (1 + τ_i)^(−a), as a mean for the server optimisers. */
final class WeightedMean implements DeltaMean {
    private final FedAvg weights;

    WeightedMean(double stalenessExponent) {
        this.weights = new FedAvg(stalenessExponent);
    }

    @Override
    public MeanRound begin(long version, List<Contribution> contributions) {
        double[] share = weights.shares(version, contributions);
        return new MeanRound() {
            @Override
            public double share(int contribution) {
                return share[contribution];
            }

            @Override
            public DeltaGeometry geometry() {
                return null;
            }

            @Override
            public void add(DeltaSlices d, double[] out, int n) {
                for (int i = 0; i < share.length; i++) {
                    float[] x = d.delta(i);
                    double a = share[i];
                    for (int j = 0; j < n; j++) out[j] += a * x[j];
                }
            }
        };
    }
}
