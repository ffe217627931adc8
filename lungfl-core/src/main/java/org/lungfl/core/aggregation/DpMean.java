package org.lungfl.core.aggregation;

import java.util.List;
import java.util.function.DoubleSupplier;
import org.lungfl.core.plan.AggregationOptions;

/**
 * DP-FedAvg's mean (McMahan et al. 2018, "Learning differentially private recurrent language
 * models"): each delta clipped to L2 norm C over the whole update, the clipped deltas summed, one
 * draw of N(0, σ²C²) added to each coordinate of the sum, divided by the number of updates K.
 * Unweighted: a sample-weighted sum would let one site's weight raise the sum's sensitivity above C.
 * Adding or removing one site's update moves the sum by at most C, so each round is the Gaussian
 * mechanism with noise multiplier σ ({@link org.lungfl.core.privacy.RdpAccountant}).
 */
final class DpMean implements DeltaMean {
    private final AggregationOptions.DifferentialPrivacy dp;
    private final GaussianNoise.Source noise;

    DpMean(AggregationOptions.DifferentialPrivacy dp, GaussianNoise.Source noise) {
        this.dp = dp;
        this.noise = noise;
    }

    @Override
    public MeanRound begin(long version, List<Contribution> contributions) {
        int k = contributions.size();
        DoubleSupplier gaussian = noise.round();
        double c = dp.clipNorm();
        double sigmaC = dp.noiseMultiplier() * c;
        DeltaGeometry geometry = new DeltaGeometry(k, false);
        return new MeanRound() {
            private final double[] scale = new double[k];
            private boolean measured;

            @Override
            public double share(int contribution) {
                return 1.0 / k;
            }

            @Override
            public DeltaGeometry geometry() {
                return geometry;
            }

            @Override
            public void measured(DeltaGeometry g) {
                for (int i = 0; i < k; i++) scale[i] = DeltaGeometry.clipFactor(g.norm(i), c);
                measured = true;
            }

            @Override
            public void add(DeltaSlices d, double[] out, int n) {
                if (!measured) throw new IllegalStateException("DP-FedAvg adds noise only after measuring the norms");
                for (int j = 0; j < n; j++) {
                    double sum = sigmaC * gaussian.getAsDouble();
                    for (int i = 0; i < k; i++) sum += scale[i] * d.delta(i)[j];
                    out[j] += sum / k;
                }
            }
        };
    }
}
