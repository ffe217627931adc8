package org.lungfl.core.aggregation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The current slice of every update's delta Δ_i = θ_i − w_{b_i} (its weights minus the version it
 * was trained from), and of the current global version w_v. Holds K + B + 1 slices (B distinct
 * base versions): this is the O(K × slice) memory of the rules that need all deltas at once.
 */
final class DeltaSlices {
    private final long version;
    private final long[] base;
    private final Map<Long, float[]> versions = new TreeMap<>();
    private float[][] delta;
    private int capacity;

    DeltaSlices(long version, List<Contribution> contributions) {
        this.version = version;
        this.base = new long[contributions.size()];
        for (int i = 0; i < base.length; i++) base[i] = contributions.get(i).baseVersion();
        for (long b : base) versions.put(b, null);
        versions.put(version, null);
        this.delta = new float[base.length][0];
    }

    int size() {
        return base.length;
    }

    /** Reads the slice of every update and version: each input once, because returned arrays are reused. */
    void load(AggregationStrategy.Inputs in, int n) {
        if (n > capacity) {
            // Once, at the drivers' slice size, rather than again for each larger tensor.
            int c = capacity = Math.max(n, AggregationStrategy.SLICE);
            for (int i = 0; i < delta.length; i++) delta[i] = new float[c];
            versions.replaceAll((v, old) -> new float[c]);
        }
        for (Map.Entry<Long, float[]> e : versions.entrySet()) System.arraycopy(in.versionFloats(e.getKey()), 0, e.getValue(), 0, n);
        for (int i = 0; i < delta.length; i++) {
            float[] u = in.updateFloats(i);
            float[] b = versions.get(base[i]);
            float[] d = delta[i];
            for (int j = 0; j < n; j++) d[j] = u[j] - b[j];
        }
    }

    /** Update i's delta for the loaded slice. */
    float[] delta(int i) {
        return delta[i];
    }

    /** The current global version w_v for the loaded slice. */
    float[] current() {
        return versions.get(version);
    }

    @Override
    public String toString() {
        return "DeltaSlices[" + delta.length + " updates, bases " + Arrays.toString(base) + "]";
    }
}
