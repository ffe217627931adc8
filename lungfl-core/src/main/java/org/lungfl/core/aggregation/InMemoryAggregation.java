package org.lungfl.core.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/**
 * Runs a round over weights already in memory: for tests, benchmarks and tools. The server streams
 * the same {@link AggregationStrategy.Round} over files instead, with the same two passes.
 */
public final class InMemoryAggregation {
    private InMemoryAggregation() {}

    /**
     * @param versions every global version an update is based on, and the current one
     * @param updates the updates, in the order of {@code contributions}
     */
    public static Weights aggregate(AggregationStrategy strategy, long currentVersion, Map<Long, Weights> versions,
            List<Weights> updates, List<Contribution> contributions) {
        return aggregate(strategy, currentVersion, versions, updates, contributions, AggregationStrategy.SLICE);
    }

    /** As above, in slices of {@code slice} values: a small slice exercises the slicing on small arrays. */
    public static Weights aggregate(AggregationStrategy strategy, long currentVersion, Map<Long, Weights> versions,
            List<Weights> updates, List<Contribution> contributions, int slice) {
        if (slice < 1 || slice > AggregationStrategy.SLICE) throw new IllegalArgumentException("slice must be in [1, " + AggregationStrategy.SLICE + "]");
        if (updates.size() != contributions.size()) throw new IllegalArgumentException("one contribution per update");
        AggregationStrategy.Round round = strategy.begin(currentVersion, contributions);
        Weights current = versions.get(currentVersion);
        if (current == null) throw new IllegalArgumentException("current version " + currentVersion + " missing");
        Slices in = new Slices(versions, updates, slice);
        if (round.scans()) {
            for (Tensor t : current.tensors()) {
                if (t.dtype() != DType.F32) continue;
                for (int from = 0; from < t.size(); from += slice) {
                    int n = in.at(t, from);
                    round.scan(in, n);
                }
            }
            round.scanned();
        }
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : current.tensors()) {
            if (t.dtype() == DType.F32) {
                float[] v = new float[t.size()];
                float[] buf = new float[slice];
                for (int from = 0; from < t.size(); from += slice) {
                    int n = in.at(t, from);
                    round.floats(in, buf, n);
                    System.arraycopy(buf, 0, v, from, n);
                }
                out.add(Tensor.ofFloats(t.name(), t.shape(), v));
            } else {
                long[] v = new long[t.size()];
                long[] buf = new long[slice];
                for (int from = 0; from < t.size(); from += slice) {
                    int n = in.at(t, from);
                    round.longs(in, buf, n);
                    System.arraycopy(buf, 0, v, from, n);
                }
                out.add(Tensor.ofLongs(t.name(), t.shape(), v));
            }
        }
        round.finish();
        return new Weights(out);
    }

    /** Copies of the requested slice, so a strategy that keeps a returned array across calls is caught by wrong results. */
    private static final class Slices implements AggregationStrategy.Inputs {
        private final Map<Long, Weights> versions;
        private final List<Weights> updates;
        private final float[] floats;
        private final long[] longs;
        private String tensor;
        private int from;
        private int len;

        Slices(Map<Long, Weights> versions, List<Weights> updates, int slice) {
            this.versions = versions;
            this.updates = updates;
            this.floats = new float[slice];
            this.longs = new long[slice];
        }

        int at(Tensor t, int from) {
            this.tensor = t.name();
            this.from = from;
            this.len = Math.min(floats.length, t.size() - from);
            return len;
        }

        private Weights version(long v) {
            Weights w = versions.get(v);
            if (w == null) throw new IllegalArgumentException("version " + v + " missing");
            return w;
        }

        @Override
        public float[] updateFloats(int i) {
            System.arraycopy(updates.get(i).get(tensor).floats(), from, floats, 0, len);
            return floats;
        }

        @Override
        public float[] versionFloats(long v) {
            System.arraycopy(version(v).get(tensor).floats(), from, floats, 0, len);
            return floats;
        }

        @Override
        public long[] updateLongs(int i) {
            System.arraycopy(updates.get(i).get(tensor).longs(), from, longs, 0, len);
            return longs;
        }

        @Override
        public long[] versionLongs(long v) {
            System.arraycopy(version(v).get(tensor).longs(), from, longs, 0, len);
            return longs;
        }

        @Override
        public String tensor() {
            return tensor;
        }

        @Override
        public long from() {
            return from;
        }
    }
}
