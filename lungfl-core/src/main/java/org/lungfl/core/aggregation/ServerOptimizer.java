package org.lungfl.core.aggregation;

import java.util.List;
import org.lungfl.core.plan.AggregationOptions;

/**
 * Adaptive server optimisers (Reddi et al. 2021, "Adaptive federated optimization", Algorithm 2):
 * the round's averaged delta Δ̄ is treated as a pseudo-gradient,
 * m ← β₁ m + (1 − β₁) Δ̄;
 * FedAdam v ← β₂ v + (1 − β₂) Δ̄², FedYogi v ← v − (1 − β₂) Δ̄² sign(v − Δ̄²);
 * w_{v+1} = w_v + η m / (√v + τ), coordinate by coordinate, without bias correction (as in the
 * paper). m and v start at zero and are kept in {@link ServerState} between rounds.
 */
final class ServerOptimizer implements AggregationStrategy {
    static final List<String> SLOTS = List.of("m", "v");

    private final String name;
    private final boolean yogi;
    private final AggregationOptions.ServerOptimizer p;
    private final DeltaMean mean;
    private final ServerState state;

    ServerOptimizer(String name, AggregationOptions.ServerOptimizer parameters, DeltaMean mean, ServerState state) {
        this.name = name;
        this.yogi = name.equals(AggregationOptions.FEDYOGI);
        this.p = parameters;
        this.mean = mean;
        this.state = state;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Round begin(long v, List<Contribution> contributions) {
        DeltaMean.MeanRound mr = mean.begin(v, contributions);
        ServerState.Round moments = state.open(v, v + 1, SLOTS);
        return new DeltaRound(v, contributions, mr.geometry()) {
            private double[] avg = new double[0];
            private float[] m = new float[0];
            private float[] s = new float[0];

            @Override
            public double share(int contribution) {
                return mr.share(contribution);
            }

            @Override
            protected void measured(DeltaGeometry g) {
                mr.measured(g);
            }

            @Override
            protected void combine(DeltaSlices d, Inputs in, double[] step, int n) {
                if (avg.length < n) {
                    int c = Math.max(n, SLICE);
                    avg = new double[c];
                    m = new float[c];
                    s = new float[c];
                }
                java.util.Arrays.fill(avg, 0, n, 0.0);
                mr.add(d, avg, n);
                moments.read("m", in.tensor(), in.from(), m, n);
                moments.read("v", in.tensor(), in.from(), s, n);
                double b1 = p.beta1(), b2 = p.beta2();
                for (int j = 0; j < n; j++) {
                    double g = avg[j], g2 = g * g;
                    double mj = b1 * m[j] + (1 - b1) * g;
                    double vj = yogi ? s[j] - (1 - b2) * g2 * Math.signum(s[j] - g2) : b2 * s[j] + (1 - b2) * g2;
                    m[j] = (float) mj;
                    s[j] = (float) vj;
                    step[j] = p.learningRate() * mj / (Math.sqrt(Math.max(vj, 0)) + p.tau());
                }
                moments.write("m", in.tensor(), in.from(), m, n);
                moments.write("v", in.tensor(), in.from(), s, n);
            }

            @Override
            public void finish() {
                moments.commit();
            }
        };
    }
}
