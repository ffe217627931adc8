package org.lungfl.core.aggregation;

import java.util.List;

/**
 * The averaged delta Δ̄ of a round, which {@code fedavg} with DP adds to the current version and a
 * server optimiser feeds to its moments: the staleness-aware sample-weighted mean
 * ({@link WeightedMean}) or DP-FedAvg's clipped and noised mean ({@link DpMean}).
 */
interface DeltaMean {
    MeanRound begin(long version, List<Contribution> contributions);

    interface MeanRound {
        double share(int contribution);

        /** What the first pass must measure, or null when the mean needs no first pass. */
        DeltaGeometry geometry();

        default void measured(DeltaGeometry g) {}

        /** Adds Δ̄ for the loaded slice to {@code out[0, n)}. */
        void add(DeltaSlices d, double[] out, int n);
    }
}
