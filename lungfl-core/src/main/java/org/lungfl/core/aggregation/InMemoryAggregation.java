package org.lungfl.core.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/**
 * Runs a round over weights already in memory: for tests, benchmarks and tools. The server streams
 * the same {@link AggregationStrategy.Round} over files instead.
 */
public final class InMemoryAggregation {
    private InMemoryAggregation() {}

    /**
     * @param versions every global version an update is based on, and the current one
     * @param updates the updates, in the order of {@code contributions}
     */
    public static Weights aggregate(AggregationStrategy strategy, long currentVersion, Map<Long, Weights> versions,
            List<Weights> updates, List<Contribution> contributions) {
        if (updates.size() != contributions.size()) throw new IllegalArgumentException("one contribution per update");
        AggregationStrategy.Round round = strategy.begin(currentVersion, contributions);
        Weights current = versions.get(currentVersion);
        if (current == null) throw new IllegalArgumentException("current version " + currentVersion + " missing");
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : current.tensors()) {
            String name = t.name();
            AggregationStrategy.Inputs in = new AggregationStrategy.Inputs() {
                @Override
                public float[] updateFloats(int i) {
                    return updates.get(i).get(name).floats();
                }

                @Override
                public float[] versionFloats(long v) {
                    Weights w = versions.get(v);
                    if (w == null) throw new IllegalArgumentException("version " + v + " missing");
                    return w.get(name).floats();
                }

                @Override
                public long[] updateLongs(int i) {
                    return updates.get(i).get(name).longs();
                }
            };
            if (t.dtype() == DType.F32) {
                float[] v = new float[t.size()];
                round.floats(in, v, v.length);
                out.add(Tensor.ofFloats(name, t.shape(), v));
            } else {
                long[] v = new long[t.size()];
                round.longs(in, v, v.length);
                out.add(Tensor.ofLongs(name, t.shape(), v));
            }
        }
        return new Weights(out);
    }
}
