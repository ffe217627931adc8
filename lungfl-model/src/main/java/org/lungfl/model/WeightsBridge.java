package org.lungfl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.model.ModelSpec;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/**
 * Copies weights between LungFL's {@link Weights} (PyTorch state_dict names, safetensors order)
 * and the DJL parameters of a {@link Cnn3dNetwork}, by the network's explicit name map.
 *
 * <p>PyTorch's BatchNorm keeps a {@code num_batches_tracked} counter that DJL does not have. It
 * only matters to PyTorch when momentum is None (cumulative averaging), which cnn3d-v1 does not
 * use (nor does cnn3d-patch-v1), but it is part of the state_dict that {@code load_state_dict(strict=True)} demands. The
 * bridge keeps one counter per BatchNorm layer: loaded from the file, advanced by one for every
 * training step (every BatchNorm sees each training batch once, as in PyTorch), written back.
 */
public final class WeightsBridge {
    private static final NDIndex ALL = new NDIndex("...");
    private final ModelSpec spec;
    private final Map<String, Parameter> parameters;
    private final List<String> batchNorms;
    private final long[] batchesTracked;

    public WeightsBridge(String architecture, Cnn3dNetwork network) {
        this.spec = ModelSpec.of(architecture);
        this.parameters = network.parameters();
        this.batchNorms = network.batchNorms();
        this.batchesTracked = new long[batchNorms.size()];
    }

    /** Overwrites every parameter and running statistic in place (training may continue). */
    public void load(Weights weights) {
        List<String> diffs = spec.differences(weights);
        if (!diffs.isEmpty()) {
            throw new UserFacingException("weights do not fit " + spec.architecture() + ": " + String.join("; ", diffs));
        }
        // NDArray.set(float[]) passes through a deprecated libtorch guard that prints a C++ warning
        // to the user's console; an indexed copy with autograd off writes the same values in place.
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (TensorSpec t : spec.tensors()) {
                Tensor tensor = weights.get(t.name());
                if (t.dtype() == DType.I64) {
                    batchesTracked[batchNormIndex(t.name())] = tensor.longs()[0];
                } else {
                    NDArray array = parameter(t.name()).getArray();
                    try (NDManager scratch = array.getManager().newSubManager()) {
                        array.set(ALL, scratch.create(tensor.floats(), array.getShape()));
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** A snapshot of the current values, in the spec's order. */
    public Weights export() {
        List<Tensor> out = new ArrayList<>(spec.tensors().size());
        for (TensorSpec t : spec.tensors()) {
            if (t.dtype() == DType.I64) {
                out.add(Tensor.ofLongs(t.name(), t.shape(), new long[] {batchesTracked[batchNormIndex(t.name())]}));
            } else {
                NDArray array = parameter(t.name()).getArray();
                long[] shape = array.getShape().getShape();
                if (!Arrays.equals(Arrays.stream(t.shape()).asLongStream().toArray(), shape)) {
                    throw new IllegalStateException(t.name() + " has DJL shape " + Arrays.toString(shape));
                }
                out.add(Tensor.ofFloats(t.name(), t.shape(), array.toFloatArray()));
            }
        }
        return new Weights(out);
    }

    /** Records {@code steps} training batches seen by every BatchNorm layer. */
    public void countTrainingSteps(long steps) {
        for (int i = 0; i < batchesTracked.length; i++) batchesTracked[i] += steps;
    }

    private Parameter parameter(String name) {
        Parameter p = parameters.get(name);
        if (p == null) throw new IllegalStateException("no DJL parameter mapped to " + name);
        return p;
    }

    private int batchNormIndex(String counterName) {
        int i = batchNorms.indexOf(counterName.substring(0, counterName.lastIndexOf('.')));
        if (i < 0) throw new IllegalStateException("no BatchNorm layer for " + counterName);
        return i;
    }
}
