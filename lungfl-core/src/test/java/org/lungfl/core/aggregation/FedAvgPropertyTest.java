package org.lungfl.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/** Invariants of FedAvg that hold for any updates, checked on random ones. */
class FedAvgPropertyTest {
    private static final int N = 64;

    private static Weights model(float[] w) {
        return new Weights(List.of(Tensor.ofFloats("w", new int[] {w.length}, w)));
    }

    private static float[] random(Random r, float scale) {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    private static float tolerance(float x) {
        return 1e-5f * Math.max(1f, Math.abs(x));
    }

    @Property(tries = 200)
    void identicalFreshUpdatesGiveThatUpdate(@ForAll @IntRange(min = 1, max = 20) int k, @ForAll long seed,
            @ForAll @LongRange(min = 0, max = 50) long version) {
        Random r = new Random(seed);
        float[] theta = random(r, 10);
        List<Weights> ups = new ArrayList<>();
        List<Contribution> cs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ups.add(model(theta.clone()));
            cs.add(new Contribution(1 + r.nextInt(100_000), version));
        }
        float[] out = InMemoryAggregation.aggregate(new FedAvg(0.5), version, Map.of(version, model(random(r, 1))), ups, cs)
                .get("w").floats();
        for (int j = 0; j < N; j++) assertThat(Math.abs(out[j] - theta[j])).isLessThanOrEqualTo(tolerance(theta[j]));
    }

    @Property(tries = 200)
    void orderOfTheUpdatesDoesNotMatter(@ForAll @IntRange(min = 1, max = 12) int k, @ForAll long seed) {
        Random r = new Random(seed);
        long v = 4;
        Map<Long, Weights> versions = Map.of(2L, model(random(r, 1)), 3L, model(random(r, 1)), 4L, model(random(r, 1)));
        List<Integer> order = new ArrayList<>();
        List<Weights> ups = new ArrayList<>();
        List<Contribution> cs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            order.add(i);
            ups.add(model(random(r, 1)));
            cs.add(new Contribution(1 + r.nextInt(1000), 2 + r.nextInt(3)));
        }
        Collections.shuffle(order, r);
        List<Weights> ups2 = new ArrayList<>();
        List<Contribution> cs2 = new ArrayList<>();
        for (int i : order) {
            ups2.add(ups.get(i));
            cs2.add(cs.get(i));
        }
        FedAvg f = new FedAvg(0.5);
        float[] a = InMemoryAggregation.aggregate(f, v, versions, ups, cs).get("w").floats();
        float[] b = InMemoryAggregation.aggregate(f, v, versions, ups2, cs2).get("w").floats();
        for (int j = 0; j < N; j++) assertThat(Math.abs(a[j] - b[j])).isLessThanOrEqualTo(tolerance(a[j]));
    }

    @Property(tries = 200)
    void freshUpdatesAverageWithinTheirConvexHull(@ForAll @IntRange(min = 1, max = 12) int k, @ForAll long seed) {
        Random r = new Random(seed);
        List<Weights> ups = new ArrayList<>();
        List<Contribution> cs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            ups.add(model(random(r, 1 + r.nextInt(100))));
            cs.add(new Contribution(1 + r.nextInt(10_000), 9));
        }
        float[] out = InMemoryAggregation.aggregate(new FedAvg(0.5), 9, Map.of(9L, model(random(r, 1))), ups, cs)
                .get("w").floats();
        for (int j = 0; j < N; j++) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (Weights u : ups) {
                lo = Math.min(lo, u.get("w").floats()[j]);
                hi = Math.max(hi, u.get("w").floats()[j]);
            }
            assertThat(out[j]).isBetween(lo - tolerance(lo), hi + tolerance(hi));
        }
    }
}
