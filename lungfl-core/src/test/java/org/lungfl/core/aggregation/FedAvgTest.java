package org.lungfl.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

class FedAvgTest {
    private static Weights model(float[] w, long counter) {
        return new Weights(List.of(Tensor.ofFloats("w", new int[] {w.length}, w),
                Tensor.ofLongs("bn.num_batches_tracked", new int[] {}, new long[] {counter})));
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @Test
    void freshUpdatesGiveTheSampleWeightedMean() {
        Weights v0 = model(new float[] {100, 100}, 0);
        List<Weights> ups = List.of(model(new float[] {1, 2}, 5), model(new float[] {3, 6}, 9), model(new float[] {-1, 0}, 7));
        List<Contribution> cs = List.of(new Contribution(1, 0), new Contribution(3, 0), new Contribution(4, 0));
        Weights out = InMemoryAggregation.aggregate(new FedAvg(0.5), 0, Map.of(0L, v0), ups, cs);
        // (1·1 + 3·3 + 4·(−1)) / 8 and (1·2 + 3·6 + 4·0) / 8: version 0 itself plays no part.
        assertThat(out.get("w").floats()).containsExactly(0.75f, 2.5f);
        assertThat(out.get("bn.num_batches_tracked").longs()).containsExactly(9L);
    }

    @Test
    void staleUpdatesAreDeltasAgainstTheirBaseWithDiscountedWeight() {
        Random r = new Random(7);
        int n = 1000;
        Map<Long, Weights> versions = Map.of(3L, model(random(r, n), 0), 5L, model(random(r, n), 0), 6L, model(random(r, n), 0));
        long v = 6;
        long[] bases = {6, 5, 3, 5};
        long[] samples = {10, 40, 25, 3};
        double a = 0.5;
        List<Weights> ups = new java.util.ArrayList<>();
        List<Contribution> cs = new java.util.ArrayList<>();
        for (int i = 0; i < bases.length; i++) {
            ups.add(model(random(r, n), i));
            cs.add(new Contribution(samples[i], bases[i]));
        }
        Weights out = InMemoryAggregation.aggregate(new FedAvg(a), v, versions, ups, cs);

        // Direct evaluation of DESIGN.md's formula in double precision.
        double[] omega = new double[bases.length];
        double sum = 0;
        for (int i = 0; i < bases.length; i++) sum += omega[i] = samples[i] * Math.pow(1 + (v - bases[i]), -a);
        float[] wv = versions.get(v).get("w").floats();
        for (int j = 0; j < n; j++) {
            double delta = 0;
            for (int i = 0; i < bases.length; i++) {
                delta += omega[i] * (ups.get(i).get("w").floats()[j] - versions.get(bases[i]).get("w").floats()[j]);
            }
            assertThat(out.get("w").floats()[j]).isCloseTo((float) (wv[j] + delta / sum), within(2e-6f));
        }
    }

    @Test
    void finiteUpdatesNearTheFloatRangeGiveAFiniteVersion() {
        // Issue 13, K = 1: −FLT_MAX, then an unchanged copy, then a stale +FLT_MAX from the older
        // base. v3 = v2 + (θ − v1) = −MAX + (MAX + MAX) = MAX: finite, though θ − v1 is not a float.
        FedAvg f = new FedAvg(0.5);
        float max = Float.MAX_VALUE;
        Weights v0 = model(new float[] {0f, 1f}, 0);
        Weights v1 = InMemoryAggregation.aggregate(f, 0, Map.of(0L, v0), List.of(model(new float[] {-max, 1f}, 1)),
                List.of(new Contribution(10, 0)));
        Weights v2 = InMemoryAggregation.aggregate(f, 1, Map.of(1L, v1), List.of(v1), List.of(new Contribution(10, 1)));
        Weights v3 = InMemoryAggregation.aggregate(f, 2, Map.of(1L, v1, 2L, v2), List.of(model(new float[] {max, 1f}, 1)),
                List.of(new Contribution(10, 1)));
        assertThat(v2.get("w").floats()).containsExactly(-max, 1f);
        assertThat(v3.get("w").floats()).containsExactly(max, 1f);
    }

    @Test
    void exponentZeroIgnoresStalenessAndSharesSumToOne() {
        FedAvg f = new FedAvg(0);
        assertThat(f.weight(10, 0)).isEqualTo(f.weight(10, 9)).isEqualTo(10.0);
        assertThat(new FedAvg(0.5).weight(12, 3)).isEqualTo(6.0);
        AggregationStrategy.Round round = new FedAvg(0.5).begin(4, List.of(new Contribution(5, 4), new Contribution(5, 0)));
        assertThat(round.share(0) + round.share(1)).isCloseTo(1.0, within(1e-12));
        assertThat(round.share(0)).isGreaterThan(round.share(1));
    }

    @Test
    void refusesWhatCannotBeAveraged() {
        FedAvg f = new FedAvg(0.5);
        assertThatThrownBy(() -> f.begin(0, List.of())).hasMessageContaining("nothing");
        assertThatThrownBy(() -> f.begin(2, List.of(new Contribution(1, 3)))).hasMessageContaining("newer than 2");
        assertThatThrownBy(() -> new Contribution(0, 0)).hasMessageContaining("num_samples");
        assertThatThrownBy(() -> new FedAvg(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePlanChoosesTheStrategy() {
        FederationPlan plan = FederationPlan.preset("demo");
        assertThat(AggregationStrategy.of(plan.aggregation()).name()).isEqualTo("fedavg");
        assertThat(AggregationStrategy.of(new FederationPlan.Aggregation("krum", 0)).name()).isEqualTo("krum");
        assertThat(AggregationStrategy.of(new FederationPlan.Aggregation("fedyogi", 0)).name()).isEqualTo("fedyogi");
        assertThatThrownBy(() -> new FederationPlan.Aggregation("fedsgd", 0)).hasMessageContaining("'aggregation.strategy' must be one of");
    }

    @Test
    void tiledCombineEqualsOneAxpyPerInput() {
        Random r = new Random(3);
        int n = WeightedSum.TILE * 3 + 17;
        float[][] xs = {random(r, n), random(r, n), random(r, n)};
        float[] coef = {0.2f, 0.5f, 0.3f};
        float[] tiled = new float[n];
        WeightedSum.combine(xs, coef, tiled);
        float[] plain = new float[n];
        for (int i = 0; i < xs.length; i++) WeightedSum.axpy(plain, coef[i], xs[i], n);
        assertThat(tiled).containsExactly(plain);
    }
}
