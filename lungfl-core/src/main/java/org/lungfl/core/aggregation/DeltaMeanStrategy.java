package org.lungfl.core.aggregation;

import java.util.List;

/** w_{v+1} = w_v + Δ̄ for a {@link DeltaMean} other than FedAvg's own linear rule: FedAvg with DP. */
final class DeltaMeanStrategy implements AggregationStrategy {
    private final String name;
    private final DeltaMean mean;

    DeltaMeanStrategy(String name, DeltaMean mean) {
        this.name = name;
        this.mean = mean;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Round begin(long v, List<Contribution> contributions) {
        DeltaMean.MeanRound m = mean.begin(v, contributions);
        return new DeltaRound(v, contributions, m.geometry()) {
            @Override
            public double share(int contribution) {
                return m.share(contribution);
            }

            @Override
            protected void measured(DeltaGeometry g) {
                m.measured(g);
            }

            @Override
            protected void combine(DeltaSlices d, Inputs in, double[] step, int n) {
                m.add(d, step, n);
            }
        };
    }
}
