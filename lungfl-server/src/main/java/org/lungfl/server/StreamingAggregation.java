package org.lungfl.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.aggregation.AggregationStrategy;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.model.WeightRules;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensorsFile;

/**
 * Runs one aggregation round over stored updates: for each slice of each tensor, the strategy reads
 * that slice from every update and base version and the result is appended to the new version.
 * A strategy that needs the deltas' norms or distances first gets a first pass ({@link #measure}).
 * Memory is a few slices per update, whatever the model size is (docs/aggregation.md). A slice with
 * a value that is not a finite float ends the round with {@link NonFiniteAggregate} before the file
 * can be committed; a negative BatchNorm running variance is published as 0.
 */
final class StreamingAggregation {
    /** 16 K values (64 KB of floats): the accumulator and input stay in L2 across all inputs. */
    static final int SLICE = AggregationStrategy.SLICE;

    private StreamingAggregation() {}

    /** Opens a kept version for a round (from the store the round runs on). */
    interface Versions {
        SafeTensorsFile open(long version) throws IOException;
    }

    /** The first pass of a round that {@link AggregationStrategy.Round#scans() scans}: nothing to do for the others. */
    static void measure(AggregationStrategy.Round round, List<SafeTensorsFile> updates, Versions store, List<TensorSpec> layout)
            throws IOException {
        if (!round.scans()) return;
        Map<Long, SafeTensorsFile> versions = new HashMap<>();
        try {
            Slices in = new Slices(updates, versions, store);
            for (TensorSpec t : layout) {
                if (t.dtype() != DType.F32) continue;
                long n = Tensor.elementCount(t.shape());
                for (long from = 0; from < n; from += SLICE) {
                    int len = (int) Math.min(SLICE, n - from);
                    in.at(t.name(), from, len);
                    round.scan(in, len);
                }
            }
            round.scanned();
        } finally {
            for (SafeTensorsFile f : versions.values()) f.close();
        }
    }

    /**
     * Writes the aggregate to {@code out}; the round's server state (if any) is committed before this
     * returns, so it is kept before the version is.
     */
    static void run(AggregationStrategy.Round round, List<SafeTensorsFile> updates, Versions store, List<TensorSpec> layout,
            Map<String, String> metadata, WritableByteChannel out) throws IOException {
        Map<Long, SafeTensorsFile> versions = new HashMap<>();
        try {
            Slices in = new Slices(updates, versions, store);
            SafeTensorsFile.Writer w = SafeTensorsFile.writer(out, layout, metadata);
            float[] floats = new float[SLICE];
            long[] longs = new long[SLICE];
            for (TensorSpec t : layout) {
                long n = Tensor.elementCount(t.shape());
                for (long from = 0; from < n; from += SLICE) {
                    int len = (int) Math.min(SLICE, n - from);
                    in.at(t.name(), from, len);
                    if (t.dtype() == DType.F32) {
                        round.floats(in, floats, len);
                        requireFinite(t.name(), floats, len, from);
                        if (WeightRules.isRunningVariance(t.name())) clampAtZero(floats, len);
                        w.floats(floats, len);
                    } else {
                        round.longs(in, longs, len);
                        w.longs(longs, len);
                    }
                }
            }
            w.finish();
            round.finish();
        } finally {
            for (SafeTensorsFile f : versions.values()) f.close();
        }
    }

    /**
     * A round whose result holds a value that is not a finite float (every input was finite, but the
     * aggregate left float range): never published, whatever the strategy.
     */
    static final class NonFiniteAggregate extends IOException {
        NonFiniteAggregate(String message) {
            super(message);
        }
    }

    private static void requireFinite(String tensor, float[] v, int n, long from) throws NonFiniteAggregate {
        for (int j = 0; j < n; j++) {
            if (!Float.isFinite(v[j])) {
                throw new NonFiniteAggregate("tensor '" + tensor + "' would hold " + v[j] + " at index " + (from + j));
            }
        }
    }

    /**
     * A BatchNorm running variance is never negative, but a linear rule can make it so: a stale
     * update moves the current version by θ − w_b, which for a variance can exceed what is left
     * (0.1 + (0.1 − 1.0) = −0.8). Such a version would be NaN at inference and every client's
     * re-upload of it would be refused (WeightRules), so the variance stops at 0.
     */
    private static void clampAtZero(float[] v, int n) {
        for (int j = 0; j < n; j++) if (v[j] < 0) v[j] = 0f;
    }

    /** The current slice of every input, read into one reused buffer when the strategy asks. */
    private static final class Slices implements AggregationStrategy.Inputs {
        private final List<SafeTensorsFile> updates;
        private final Map<Long, SafeTensorsFile> versions;
        private final Versions store;
        private final float[] floats = new float[SLICE];
        private final long[] longs = new long[SLICE];
        private final ByteBuffer scratch = ByteBuffer.allocate(SLICE * 8);
        private String tensor;
        private long from;
        private int len;

        Slices(List<SafeTensorsFile> updates, Map<Long, SafeTensorsFile> versions, Versions store) {
            this.updates = updates;
            this.versions = versions;
            this.store = store;
        }

        void at(String tensor, long from, int len) {
            this.tensor = tensor;
            this.from = from;
            this.len = len;
        }

        @Override
        public float[] updateFloats(int i) {
            updates.get(i).readFloats(tensor, from, floats, len, scratch);
            return floats;
        }

        @Override
        public long[] updateLongs(int i) {
            updates.get(i).readLongs(tensor, from, longs, len, scratch);
            return longs;
        }

        @Override
        public float[] versionFloats(long version) {
            version(version).readFloats(tensor, from, floats, len, scratch);
            return floats;
        }

        @Override
        public long[] versionLongs(long version) {
            version(version).readLongs(tensor, from, longs, len, scratch);
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

        private SafeTensorsFile version(long version) {
            SafeTensorsFile f = versions.get(version);
            if (f == null) {
                try {
                    f = store.open(version);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("version " + version + " unreadable", e);
                }
                versions.put(version, f);
            }
            return f;
        }
    }
}
