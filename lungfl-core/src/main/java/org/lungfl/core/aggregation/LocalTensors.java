package org.lungfl.core.aggregation;

import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/**
 * FedBN (Li et al. 2021, "FedBN: federated learning on non-IID features via local batch
 * normalization"): BatchNorm's running statistics ({@code running_mean}, {@code running_var},
 * {@code num_batches_tracked}) describe one site's scanners and stay with the site. The server
 * leaves them out of every rule (the global file keeps the current version's values, i.e. version
 * 0's), and a client that loads a new global model keeps its own. Unlike the paper, BatchNorm's
 * learned scale and shift are still averaged.
 */
public final class LocalTensors {
    private static final List<String> SUFFIXES = List.of(".running_mean", ".running_var", ".num_batches_tracked");

    private LocalTensors() {}

    /** True for a BatchNorm statistic (by its PyTorch state_dict name). */
    public static boolean isLocal(String tensor) {
        for (String s : SUFFIXES) if (tensor.endsWith(s)) return true;
        return false;
    }

    /** The F32 tensors a strategy combines (and keeps server state for): all of them, or without the local ones under FedBN. */
    public static List<TensorSpec> aggregatedFloats(List<TensorSpec> layout, boolean fedbn) {
        List<TensorSpec> out = new ArrayList<>();
        for (TensorSpec t : layout) if (t.dtype() == DType.F32 && !(fedbn && isLocal(t.name()))) out.add(t);
        return out;
    }

    /**
     * The global model a FedBN site trains from: {@code global}'s tensors, except the BatchNorm
     * statistics, which come from the site's own model {@code local}.
     */
    public static Weights keepLocal(Weights global, Weights local) {
        List<Tensor> out = new ArrayList<>(global.tensors().size());
        for (Tensor t : global.tensors()) out.add(isLocal(t.name()) ? local.get(t.name()) : t);
        return new Weights(out);
    }

    /** A strategy with the BatchNorm statistics left out: they keep the current version's values. */
    static final class KeepLocal implements AggregationStrategy {
        private final AggregationStrategy inner;

        KeepLocal(AggregationStrategy inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int minimumContributors() {
            return inner.minimumContributors();
        }

        @Override
        public Round begin(long v, List<Contribution> contributions) {
            Round r = inner.begin(v, contributions);
            return new Round() {
                @Override
                public double share(int contribution) {
                    return r.share(contribution);
                }

                @Override
                public boolean scans() {
                    return r.scans();
                }

                @Override
                public void scan(Inputs in, int n) {
                    if (!isLocal(in.tensor())) r.scan(in, n);
                }

                @Override
                public void scanned() {
                    r.scanned();
                }

                @Override
                public void floats(Inputs in, float[] out, int n) {
                    if (isLocal(in.tensor())) System.arraycopy(in.versionFloats(v), 0, out, 0, n);
                    else r.floats(in, out, n);
                }

                @Override
                public void longs(Inputs in, long[] out, int n) {
                    if (isLocal(in.tensor())) System.arraycopy(in.versionLongs(v), 0, out, 0, n);
                    else r.longs(in, out, n);
                }

                @Override
                public void finish() {
                    r.finish();
                }
            };
        }
    }
}
