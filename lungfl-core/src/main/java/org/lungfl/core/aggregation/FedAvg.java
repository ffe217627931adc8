package org.lungfl.core.aggregation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Staleness-aware federated averaging (DESIGN.md, "Aggregation semantics"): update i, trained from
 * version b_i while the global model is at v, has staleness τ_i = v − b_i and weight
 * ω_i = n_i (1 + τ_i)^(−a); the next version is w_v + Σ ω_i (θ_i − w_{b_i}) / Σ ω_i.
 *
 * <p>That is a linear combination of the arrays involved, which is how it is computed, one input at
 * a time: Σ c_i θ_i − Σ_b C_b w_b + (Σ_{b≠v} C_b) w_v with c_i = ω_i / Σ ω and C_b the summed c_i
 * of the updates based on version b ≠ v. When every τ_i = 0 only Σ c_i θ_i remains, exactly the
 * sample-weighted FedAvg Σ n_i θ_i / Σ n_i, and the current version is not even read.
 *
 * <p>Counters (I64 tensors, i.e. BatchNorm's num_batches_tracked) are not averaged: the aggregate
 * holds the element-wise maximum over the contributors, the count of the most-trained one.
 */
public final class FedAvg implements AggregationStrategy {
    public static final String NAME = "fedavg";

    private final double stalenessExponent;

    public FedAvg(double stalenessExponent) {
        if (!(stalenessExponent >= 0) || Double.isInfinite(stalenessExponent)) {
            throw new IllegalArgumentException("staleness exponent must be finite and >= 0, got " + stalenessExponent);
        }
        this.stalenessExponent = stalenessExponent;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** ω = n (1 + τ)^(−a). */
    public double weight(long numSamples, long staleness) {
        return numSamples * Math.pow(1.0 + staleness, -stalenessExponent);
    }

    @Override
    public Round begin(long v, List<Contribution> contributions) {
        double[] share = shares(v, contributions);
        int k = contributions.size();
        Map<Long, Double> baseShare = new TreeMap<>();
        double currentShare = 0;
        for (int i = 0; i < k; i++) {
            long b = contributions.get(i).baseVersion();
            if (b != v) {
                baseShare.merge(b, share[i], Double::sum);
                currentShare += share[i];
            }
        }
        return new LinearRound(v, share, baseShare, currentShare);
    }

    /** Each update's normalised weight ω_i / Σ ω in the round that turns version {@code v} into the next. */
    double[] shares(long v, List<Contribution> contributions) {
        if (contributions.isEmpty()) throw new IllegalArgumentException("nothing to aggregate");
        int k = contributions.size();
        double[] share = new double[k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            Contribution c = contributions.get(i);
            if (c.baseVersion() > v) {
                throw new IllegalArgumentException("update " + i + " is based on version " + c.baseVersion() + ", newer than " + v);
            }
            share[i] = weight(c.numSamples(), v - c.baseVersion());
            total += share[i];
        }
        for (int i = 0; i < k; i++) share[i] /= total;
        return share;
    }

    private static final class LinearRound implements Round {
        private final long version;
        private final double[] shares;
        private final Map<Long, Double> baseShare;
        private final double currentShare;
        /** Reused slice after slice: a round allocates one accumulator, not one per slice. */
        private double[] acc = new double[0];

        LinearRound(long version, double[] shares, Map<Long, Double> baseShare, double currentShare) {
            this.version = version;
            this.shares = shares;
            this.baseShare = baseShare;
            this.currentShare = currentShare;
        }

        @Override
        public double share(int contribution) {
            return shares[contribution];
        }

        @Override
        public void floats(Inputs in, float[] out, int n) {
            // Double accumulator: exact enough that finite inputs give a finite sum; a result beyond
            // float range still becomes infinite here, and the server refuses to publish it.
            if (acc.length < n) acc = new double[n];
            Arrays.fill(acc, 0, n, 0.0);
            for (int i = 0; i < shares.length; i++) WeightedSum.axpy(acc, shares[i], in.updateFloats(i), n);
            for (Map.Entry<Long, Double> b : baseShare.entrySet()) {
                WeightedSum.axpy(acc, -b.getValue(), in.versionFloats(b.getKey()), n);
            }
            if (currentShare != 0) WeightedSum.axpy(acc, currentShare, in.versionFloats(version), n);
            for (int j = 0; j < n; j++) out[j] = (float) acc[j];
        }

        @Override
        public void longs(Inputs in, long[] out, int n) {
            Arrays.fill(out, 0, n, Long.MIN_VALUE);
            for (int i = 0; i < shares.length; i++) {
                long[] x = in.updateLongs(i);
                for (int j = 0; j < n; j++) out[j] = Math.max(out[j], x[j]);
            }
        }
    }
}
