package org.lungfl.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;

/**
 * Every strategy, streamed slice by slice (4 values, so slices cross tensor boundaries), against a
 * direct computation on the whole vectors in double precision. The round mixes fresh and stale
 * updates: deltas are always taken against each update's own base version.
 */
class StrategiesTest {
    static final int SLICE = 4;
    static final long V = 6;
    static final long[] BASES = {6, 5, 4, 6, 6, 5};
    static final long[] SAMPLES = {10, 40, 25, 3, 17, 8};
    static final double A = 0.5;

    final Random r = new Random(42);
    final Map<Long, Weights> versions = Map.of(4L, Models.random(r, 1, 0), 5L, Models.random(r, 1, 0), 6L, Models.random(r, 1, 0));
    final List<Weights> updates = new ArrayList<>();
    final List<Contribution> contributions = new ArrayList<>();

    StrategiesTest() {
        for (int i = 0; i < BASES.length; i++) {
            Weights base = versions.get(BASES[i]);
            double[] theta = Models.flat(base);
            double scale = 0.1 * (i + 1);
            for (int j = 0; j < theta.length; j++) theta[j] += r.nextGaussian() * scale;
            updates.add(Models.withFloats(Models.random(r, 1, 5 + i), theta));
            contributions.add(new Contribution(SAMPLES[i], BASES[i]));
        }
    }

    static FederationPlan.Aggregation config(String strategy, AggregationOptions.TrimmedMean tm, AggregationOptions.Krum krum,
            AggregationOptions.Clipping clip, AggregationOptions.ServerOptimizer opt, boolean fedbn, AggregationOptions.DifferentialPrivacy dp) {
        return new FederationPlan.Aggregation(strategy, A, tm, krum, clip, opt, null, fedbn, dp);
    }

    static AggregationStrategy strategy(FederationPlan.Aggregation c) {
        return AggregationStrategy.of(c, new InMemoryServerState(), GaussianNoise.seeded(1));
    }

    double[][] deltas(List<Weights> ups, List<Contribution> cs, boolean withoutLocal) {
        double[][] d = new double[ups.size()][];
        for (int i = 0; i < d.length; i++) {
            d[i] = Models.minus(Models.flat(ups.get(i), withoutLocal), Models.flat(versions.get(cs.get(i).baseVersion()), withoutLocal));
        }
        return d;
    }

    static double[] fedavgShares(long v, List<Contribution> cs) {
        double[] w = new double[cs.size()];
        double total = 0;
        for (int i = 0; i < w.length; i++) total += w[i] = cs.get(i).numSamples() * Math.pow(1 + v - cs.get(i).baseVersion(), -A);
        for (int i = 0; i < w.length; i++) w[i] /= total;
        return w;
    }

    Weights run(AggregationStrategy s) {
        return InMemoryAggregation.aggregate(s, V, versions, updates, contributions, SLICE);
    }

    static void assertFloats(Weights out, double[] expected, boolean withoutLocal) {
        double[] got = Models.flat(out, withoutLocal);
        assertThat(got).hasSameSizeAs(expected);
        for (int j = 0; j < got.length; j++) {
            assertThat(got[j]).as("coordinate " + j).isCloseTo(expected[j], within(2e-6 * Math.max(1, Math.abs(expected[j]))));
        }
    }

    static double[] plus(double[] w, double[] step) {
        double[] o = w.clone();
        for (int j = 0; j < o.length; j++) o[j] += step[j];
        return o;
    }

    @Test
    void trimmedMeanDropsTheExtremesOfEachCoordinate() {
        double[][] d = deltas(updates, contributions, false);
        double[] step = new double[d[0].length];
        for (int j = 0; j < step.length; j++) {
            double[] col = new double[d.length];
            for (int i = 0; i < d.length; i++) col[i] = d[i][j];
            Arrays.sort(col);
            // β = 0.2 of 6: one dropped at each end.
            step[j] = (col[1] + col[2] + col[3] + col[4]) / 4;
        }
        Weights out = run(strategy(config("trimmed-mean", new AggregationOptions.TrimmedMean(0.2), null, null, null, false, null)));
        assertFloats(out, plus(Models.flat(versions.get(V)), step), false);
        assertThat(out.get("bn.num_batches_tracked").longs()).containsExactly(10L);
    }

    @Test
    void medianOfAnEvenAndAnOddNumberOfUpdates() {
        for (int k : new int[] {6, 5}) {
            List<Weights> ups = updates.subList(0, k);
            List<Contribution> cs = contributions.subList(0, k);
            double[][] d = deltas(ups, cs, false);
            double[] step = new double[d[0].length];
            for (int j = 0; j < step.length; j++) {
                double[] col = new double[k];
                for (int i = 0; i < k; i++) col[i] = d[i][j];
                Arrays.sort(col);
                step[j] = k % 2 == 1 ? col[k / 2] : (col[k / 2 - 1] + col[k / 2]) / 2;
            }
            Weights out = InMemoryAggregation.aggregate(strategy(config("median", null, null, null, null, false, null)), V, versions, ups, cs, SLICE);
            assertFloats(out, plus(Models.flat(versions.get(V)), step), false);
        }
    }

    /** Krum's selection computed directly: score = sum of squared distances to the K − f − 2 nearest. */
    static int[] krumChoice(double[][] d, int f, int m) {
        int k = d.length;
        double[] score = new double[k];
        for (int i = 0; i < k; i++) {
            List<Double> dist = new ArrayList<>();
            for (int j = 0; j < k; j++) if (j != i) dist.add(Models.distance2(d[i], d[j]));
            dist.sort(null);
            for (int j = 0; j < k - f - 2; j++) score[i] += dist.get(j);
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(score[x], score[y]));
        int[] chosen = new int[m];
        for (int i = 0; i < m; i++) chosen[i] = order[i];
        return chosen;
    }

    @Test
    void krumTakesTheMostCentralDeltaAndMultiKrumAveragesTheBest() {
        double[][] d = deltas(updates, contributions, false);
        double[] wv = Models.flat(versions.get(V));
        int chosen = krumChoice(d, 1, 1)[0];
        AggregationStrategy krum = strategy(config("krum", null, new AggregationOptions.Krum(1, 0), null, null, false, null));
        assertFloats(run(krum), plus(wv, d[chosen]), false);

        double[] shares = fedavgShares(V, contributions);
        for (int m : new int[] {0, 2}) {
            int[] best = krumChoice(d, 1, m == 0 ? 5 : m);
            double total = 0;
            for (int i : best) total += shares[i];
            double[] step = new double[wv.length];
            for (int i : best) for (int j = 0; j < step.length; j++) step[j] += shares[i] / total * d[i][j];
            AggregationStrategy multi = strategy(config("multi-krum", null, new AggregationOptions.Krum(1, m), null, null, false, null));
            AggregationStrategy.Round round = multi.begin(V, contributions);
            assertFloats(run(multi), plus(wv, step), false);
            assertThat(round.scans()).isTrue();
        }
        assertThatThrownBy(() -> strategy(config("krum", null, new AggregationOptions.Krum(2, 0), null, null, false, null)).begin(V, contributions))
                .hasMessageContaining("krum with f = 2 needs at least 7 updates in a round, got 6");
    }

    @Test
    void clippedFedAvgScalesLargeDeltasToTheBound() {
        double[][] d = deltas(updates, contributions, false);
        double[] wv = Models.flat(versions.get(V));
        double[] shares = fedavgShares(V, contributions);
        double[] norms = new double[d.length];
        for (int i = 0; i < d.length; i++) norms[i] = Models.norm(d[i]);
        double[] sorted = norms.clone();
        Arrays.sort(sorted);
        double median = (sorted[2] + sorted[3]) / 2;
        for (double[] bound : new double[][] {{1.0, 0}, {0, 1.5}}) {
            double c = bound[0] > 0 ? bound[0] : 1.5 * median;
            double[] step = new double[wv.length];
            for (int i = 0; i < d.length; i++) {
                double s = Math.min(1, c / norms[i]);
                for (int j = 0; j < step.length; j++) step[j] += shares[i] * s * d[i][j];
            }
            AggregationStrategy s = strategy(config("clipped-fedavg", null, null, new AggregationOptions.Clipping(bound[0], bound[1] == 0 ? 1 : bound[1]),
                    null, false, null));
            assertFloats(run(s), plus(wv, step), false);
        }
        // The test's deltas straddle both bounds, so the comparison above is not trivially FedAvg.
        assertThat(sorted[0]).isLessThan(1.0);
        assertThat(sorted[5]).isGreaterThan(1.5 * median);
    }

    @Test
    void fedAdamAndFedYogiFollowReddiEtAlOverTwoRoundsWithTheirState() {
        for (String name : new String[] {"fedadam", "fedyogi"}) {
            AggregationOptions.ServerOptimizer p = new AggregationOptions.ServerOptimizer(0.05, 0.9, 0.99, 1e-3);
            InMemoryServerState state = new InMemoryServerState();
            AggregationStrategy s = AggregationStrategy.of(config(name, null, null, null, p, false, null), state, GaussianNoise.seeded(1));

            // Round 1: v6 → v7 from zero moments.
            Weights v7 = run(s);
            double[][] d = deltas(updates, contributions, false);
            double[] shares = fedavgShares(V, contributions);
            int n = d[0].length;
            double[] m = new double[n], vv = new double[n], w = Models.flat(versions.get(V));
            double[] expected7 = new double[n];
            step(name, p, d, shares, m, vv, w, expected7);
            assertFloats(v7, expected7, false);
            assertThat(state.at(7)).containsKeys("m/conv.weight", "v/fc.weight", "m/bn.running_var");

            // Round 2: v7 → v8, two updates trained from v7; the moments carry over.
            Map<Long, Weights> vs = Map.of(7L, v7);
            List<Weights> ups = List.of(Models.random(r, 1, 1), Models.random(r, 1, 2));
            List<Contribution> cs = List.of(new Contribution(5, 7), new Contribution(15, 7));
            Weights v8 = InMemoryAggregation.aggregate(s, 7, vs, ups, cs, SLICE);
            double[][] d2 = new double[2][];
            for (int i = 0; i < 2; i++) d2[i] = Models.minus(Models.flat(ups.get(i)), Models.flat(v7));
            double[] expected8 = new double[n];
            step(name, p, d2, new double[] {0.25, 0.75}, m, vv, Models.flat(v7), expected8);
            assertFloats(v8, expected8, false);
        }
    }

    /** One server-optimiser step, directly; the moments are stored as F32 between rounds. */
    private static void step(String name, AggregationOptions.ServerOptimizer p, double[][] d, double[] shares, double[] m, double[] v,
            double[] w, double[] out) {
        for (int j = 0; j < w.length; j++) {
            double g = 0;
            for (int i = 0; i < d.length; i++) g += shares[i] * d[i][j];
            m[j] = (float) (p.beta1() * m[j] + (1 - p.beta1()) * g);
            v[j] = (float) (name.equals("fedadam") ? p.beta2() * v[j] + (1 - p.beta2()) * g * g
                    : v[j] - (1 - p.beta2()) * g * g * Math.signum(v[j] - g * g));
            out[j] = w[j] + p.learningRate() * m[j] / (Math.sqrt(v[j]) + p.tau());
        }
    }

    @Test
    void dpFedAvgClipsEachDeltaAndAddsNoiseToTheSum() {
        AggregationOptions.DifferentialPrivacy dp = new AggregationOptions.DifferentialPrivacy(0.8, 1.3, 1e-5);
        double[][] d = deltas(updates, contributions, false);
        double[] wv = Models.flat(versions.get(V));
        DoubleSupplier z = GaussianNoise.seeded(9).round();
        double[] expected = new double[wv.length];
        int clipped = 0;
        for (int i = 0; i < d.length; i++) if (Models.norm(d[i]) > 0.8) clipped++;
        for (int j = 0; j < wv.length; j++) {
            double sum = 1.3 * 0.8 * z.getAsDouble();
            for (double[] di : d) sum += Math.min(1, 0.8 / Models.norm(di)) * di[j];
            expected[j] = wv[j] + sum / d.length;
        }
        AggregationStrategy s = AggregationStrategy.of(config("fedavg", null, null, null, null, false, dp), new InMemoryServerState(),
                GaussianNoise.seeded(9));
        assertFloats(run(s), expected, false);
        assertThat(clipped).isBetween(1, d.length - 1);
        assertThat(s.begin(V, contributions).share(0)).isEqualTo(1.0 / 6);
    }

    @Test
    void fedBnLeavesTheBatchNormStatisticsAtTheCurrentVersion() {
        for (String name : new String[] {"median", "fedavg", "fedadam"}) {
            InMemoryServerState state = new InMemoryServerState();
            FederationPlan.Aggregation plain = config(name, null, null, null, null, false, null);
            FederationPlan.Aggregation fedbn = config(name, null, null, null, null, true, null);
            Weights with = InMemoryAggregation.aggregate(AggregationStrategy.of(fedbn, state, GaussianNoise.seeded(1)), V, versions, updates,
                    contributions, SLICE);
            Weights without = run(strategy(plain));
            Weights wv = versions.get(V);
            for (String t : Models.NAMES) {
                if (LocalTensors.isLocal(t)) {
                    assertThat(with.get(t)).as(name + " " + t).isEqualTo(wv.get(t));
                    assertThat(without.get(t)).as(name + " " + t).isNotEqualTo(wv.get(t));
                } else {
                    assertThat(with.get(t)).as(name + " " + t).isEqualTo(without.get(t));
                }
            }
            if (name.equals("fedadam")) assertThat(state.at(V + 1).keySet()).noneMatch(k -> k.contains("running_") || k.contains("batches"));
        }
    }

    @Test
    void theClientKeepsItsOwnStatisticsWhenItLoadsAGlobalModel() {
        Weights global = Models.random(r, 1, 7);
        Weights local = Models.random(r, 1, 99);
        Weights loaded = LocalTensors.keepLocal(global, local);
        for (String t : Models.NAMES) assertThat(loaded.get(t)).isEqualTo(LocalTensors.isLocal(t) ? local.get(t) : global.get(t));
        assertThat(LocalTensors.isLocal("blocks.0.bn.running_mean")).isTrue();
        assertThat(LocalTensors.isLocal("blocks.0.bn.weight")).isFalse();
    }
}
