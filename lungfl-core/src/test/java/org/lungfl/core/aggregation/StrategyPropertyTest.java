package org.lungfl.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;

/** Invariants of the robust strategies that hold for any updates, checked on random ones. */
class StrategyPropertyTest {
    static final int SLICE = 5;

    static FederationPlan.Aggregation config(String name) {
        return switch (name) {
            case "dp-fedavg" -> new FederationPlan.Aggregation("fedavg", 0.5, null, null, null, null, null, false,
                    new AggregationOptions.DifferentialPrivacy(1.0, 0.7, 1e-5));
            case "fedbn-trimmed-mean" -> new FederationPlan.Aggregation("trimmed-mean", 0.5, null, null, null, null, null, true, null);
            default -> new FederationPlan.Aggregation(name, 0.5);
        };
    }

    static AggregationStrategy strategy(String name) {
        return AggregationStrategy.of(config(name), new InMemoryServerState(), GaussianNoise.seeded(3));
    }

    @Provide
    Arbitrary<String> strategies() {
        return Arbitraries.of("fedavg", "trimmed-mean", "median", "krum", "multi-krum", "clipped-fedavg", "fedadam", "fedyogi", "dp-fedavg",
                "fedbn-trimmed-mean");
    }

    private static void assertClose(double[] a, double[] b, double tolerance) {
        assertThat(a).hasSameSizeAs(b);
        for (int j = 0; j < a.length; j++) assertThat(Math.abs(a[j] - b[j])).as("coordinate " + j).isLessThanOrEqualTo(tolerance * Math.max(1, Math.abs(a[j])));
    }

    @Property(tries = 100)
    void theOrderOfTheClientsDoesNotMatter(@ForAll("strategies") String name, @ForAll @IntRange(min = 5, max = 9) int k, @ForAll long seed) {
        Random r = new Random(seed);
        long v = 3;
        Map<Long, Weights> versions = Map.of(2L, Models.random(r, 1, 0), 3L, Models.random(r, 1, 0));
        List<Weights> ups = new ArrayList<>();
        List<Contribution> cs = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ups.add(Models.random(r, 1 + r.nextInt(3), i));
            cs.add(new Contribution(1 + r.nextInt(1000), 2 + r.nextInt(2)));
            order.add(i);
        }
        Collections.shuffle(order, r);
        List<Weights> ups2 = new ArrayList<>();
        List<Contribution> cs2 = new ArrayList<>();
        for (int i : order) {
            ups2.add(ups.get(i));
            cs2.add(cs.get(i));
        }
        Weights a = InMemoryAggregation.aggregate(strategy(name), v, versions, ups, cs, SLICE);
        Weights b = InMemoryAggregation.aggregate(strategy(name), v, versions, ups2, cs2, SLICE);
        assertClose(Models.flat(a), Models.flat(b), 1e-5);
        assertThat(a.get("bn.num_batches_tracked")).isEqualTo(b.get("bn.num_batches_tracked"));
    }

    @Property(tries = 100)
    void medianAndTrimmedMeanOfEqualUpdatesAreFedAvgsUnweightedMean(@ForAll @IntRange(min = 1, max = 12) int k, @ForAll long seed,
            @ForAll boolean stale) {
        Random r = new Random(seed);
        Map<Long, Weights> versions = Map.of(4L, Models.random(r, 1, 0), 5L, Models.random(r, 1, 0));
        Weights theta = Models.random(r, 3, 1);
        List<Weights> ups = new ArrayList<>();
        List<Contribution> cs = new ArrayList<>();
        List<Contribution> equalSamples = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ups.add(theta);
            long base = stale ? 4 : 5;
            cs.add(new Contribution(1 + r.nextInt(1000), base));
            equalSamples.add(new Contribution(100, base));
        }
        double[] fedavg = Models.flat(InMemoryAggregation.aggregate(new FedAvg(0.5), 5, versions, ups, equalSamples, SLICE));
        for (String name : new String[] {"median", "trimmed-mean"}) {
            double[] robust = Models.flat(InMemoryAggregation.aggregate(strategy(name), 5, versions, ups, cs, SLICE));
            assertClose(robust, fedavg, 1e-5);
        }
    }

    @Property(tries = 100)
    void trimmedMeanWithoutTrimmingIsTheUnweightedMeanOfAnyUpdates(@ForAll @IntRange(min = 1, max = 12) int k, @ForAll long seed) {
        Random r = new Random(seed);
        Map<Long, Weights> versions = Map.of(5L, Models.random(r, 1, 0));
        List<Weights> ups = new ArrayList<>();
        List<Contribution> cs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ups.add(Models.random(r, 1 + r.nextInt(5), i));
            cs.add(new Contribution(100, 5));
        }
        FederationPlan.Aggregation noTrim = new FederationPlan.Aggregation("trimmed-mean", 0.5, new AggregationOptions.TrimmedMean(0), null,
                null, null, null, false, null);
        double[] trimmed = Models.flat(InMemoryAggregation.aggregate(AggregationStrategy.of(noTrim), 5, versions, ups, cs, SLICE));
        double[] fedavg = Models.flat(InMemoryAggregation.aggregate(new FedAvg(0.5), 5, versions, ups, cs, SLICE));
        assertClose(trimmed, fedavg, 1e-5);
    }

    @Property(tries = 200)
    void krumPicksAnHonestUpdateWhenTheAttackersAreFarAway(@ForAll @IntRange(min = 0, max = 3) int f, @ForAll @IntRange(min = 0, max = 4) int extra,
            @ForAll long seed) {
        Random r = new Random(seed);
        int k = 2 * f + 3 + extra;
        Map<Long, Weights> versions = Map.of(0L, Models.random(r, 1, 0));
        double[] centre = Models.flat(Models.random(r, 1, 0));
        List<Weights> ups = new ArrayList<>();
        List<Contribution> cs = new ArrayList<>();
        List<double[]> honest = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            double[] x = centre.clone();
            boolean attacker = i < f;
            for (int j = 0; j < x.length; j++) x[j] += attacker ? (r.nextBoolean() ? 1 : -1) * (50 + 100 * r.nextDouble()) : 0.1 * r.nextGaussian();
            if (!attacker) honest.add(x);
            ups.add(Models.withFloats(Models.random(r, 1, i), x));
            cs.add(new Contribution(1 + r.nextInt(100), 0));
        }
        // Attackers first or anywhere: shuffle together.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < k; i++) order.add(i);
        Collections.shuffle(order, r);
        List<Weights> ups2 = new ArrayList<>();
        List<Contribution> cs2 = new ArrayList<>();
        for (int i : order) {
            ups2.add(ups.get(i));
            cs2.add(cs.get(i));
        }
        AggregationStrategy krum = AggregationStrategy.of(new FederationPlan.Aggregation("krum", 0.5, null, new AggregationOptions.Krum(f, 0),
                null, null, null, false, null));
        double[] out = Models.flat(InMemoryAggregation.aggregate(krum, 0, versions, ups2, cs2, SLICE));
        double nearest = Double.POSITIVE_INFINITY;
        for (double[] h : honest) nearest = Math.min(nearest, Models.distance2(out, h));
        assertThat(nearest).isLessThan(1e-8);

        // Multi-Krum with m = K − f averages exactly the honest ones: it stays inside their hull.
        AggregationStrategy multi = AggregationStrategy.of(new FederationPlan.Aggregation("multi-krum", 0.5, null,
                new AggregationOptions.Krum(f, 0), null, null, null, false, null));
        double[] avg = Models.flat(InMemoryAggregation.aggregate(multi, 0, versions, ups2, cs2, SLICE));
        for (int j = 0; j < avg.length; j++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] h : honest) {
                lo = Math.min(lo, h[j]);
                hi = Math.max(hi, h[j]);
            }
            assertThat(avg[j]).isBetween(lo - 1e-5, hi + 1e-5);
        }
    }

    @Property(tries = 100)
    void aClippedRoundMovesTheModelNoFurtherThanTheBound(@ForAll @IntRange(min = 1, max = 10) int k, @ForAll long seed) {
        Random r = new Random(seed);
        Weights wv = Models.random(r, 1, 0);
        List<Weights> ups = new ArrayList<>();
        List<Contribution> cs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ups.add(Models.random(r, 0.1 + 10 * r.nextDouble(), i));
            cs.add(new Contribution(1 + r.nextInt(1000), 1));
        }
        double bound = 0.5 + r.nextDouble();
        AggregationStrategy s = AggregationStrategy.of(new FederationPlan.Aggregation("clipped-fedavg", 0.5, null, null,
                new AggregationOptions.Clipping(bound, 1), null, null, false, null));
        double[] out = Models.flat(InMemoryAggregation.aggregate(s, 1, Map.of(1L, wv), ups, cs, SLICE));
        assertThat(Models.norm(Models.minus(out, Models.flat(wv)))).isLessThanOrEqualTo(bound * (1 + 1e-5));
    }
}
