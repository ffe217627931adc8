package org.lungfl.core.aggregation;

import java.util.Arrays;
import java.util.List;

/**
 * A round of a rule that works on the deltas rather than on a linear combination of the inputs:
 * each pass loads the slice of every delta and of the current version, and the rule writes
 * {@code w_v + (its combination of the deltas)}. Counters take the element-wise maximum over the
 * updates, as in FedAvg.
 */
abstract class DeltaRound implements AggregationStrategy.Round {
    protected final long version;
    protected final int k;
    private final DeltaSlices deltas;
    private final DeltaGeometry geometry;
    private double[] step = new double[0];

    /** @param geometry the first pass to run, or null for a one-pass rule */
    DeltaRound(long version, List<Contribution> contributions, DeltaGeometry geometry) {
        if (contributions.isEmpty()) throw new IllegalArgumentException("nothing to aggregate");
        for (int i = 0; i < contributions.size(); i++) {
            if (contributions.get(i).baseVersion() > version) {
                throw new IllegalArgumentException("update " + i + " is based on version " + contributions.get(i).baseVersion()
                        + ", newer than " + version);
            }
        }
        this.version = version;
        this.k = contributions.size();
        this.deltas = new DeltaSlices(version, contributions);
        this.geometry = geometry;
    }

    @Override
    public boolean scans() {
        return geometry != null;
    }

    @Override
    public void scan(AggregationStrategy.Inputs in, int n) {
        deltas.load(in, n);
        geometry.add(deltas, n);
    }

    @Override
    public void scanned() {
        measured(geometry);
    }

    /** Called once after the first pass with what it measured. */
    protected void measured(DeltaGeometry g) {}

    @Override
    public final void floats(AggregationStrategy.Inputs in, float[] out, int n) {
        deltas.load(in, n);
        if (step.length < n) step = new double[Math.max(n, AggregationStrategy.SLICE)];
        double[] s = step;
        Arrays.fill(s, 0, n, 0.0);
        combine(deltas, in, s, n);
        float[] w = deltas.current();
        for (int j = 0; j < n; j++) out[j] = (float) (w[j] + s[j]);
    }

    /** Adds the rule's step for this slice, in double precision, to {@code step[0, n)} (zeros on entry). */
    protected abstract void combine(DeltaSlices d, AggregationStrategy.Inputs in, double[] step, int n);

    @Override
    public void longs(AggregationStrategy.Inputs in, long[] out, int n) {
        Arrays.fill(out, 0, n, Long.MIN_VALUE);
        for (int i = 0; i < k; i++) {
            long[] x = in.updateLongs(i);
            for (int j = 0; j < n; j++) out[j] = Math.max(out[j], x[j]);
        }
    }
}
