package org.lungfl.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/**
 * A model architecture described without any deep-learning library: the ordered tensor names
 * (PyTorch {@code state_dict} names of the reference module in {@code python/lungfl_model.py}),
 * their shapes, and a deterministic initialisation. The server validates uploads and publishes
 * version 0 from this alone.
 */
public final class ModelSpec {
    /** Whole-volume classifier; see {@link #cnn3dV1()}. */
    public static final String CNN3D_V1 = "cnn3d-v1";

    /** Candidate-patch classifier of the lesion-centred pipeline; see {@link #cnn3dPatchV1()}. */
    public static final String CNN3D_PATCH_V1 = "cnn3d-patch-v1";

    public static final List<String> ARCHITECTURES = List.of(CNN3D_PATCH_V1, CNN3D_V1);

    private final String architecture;
    private final List<TensorSpec> tensors;

    private ModelSpec(String architecture, List<TensorSpec> tensors) {
        this.architecture = architecture;
        this.tensors = List.copyOf(tensors);
    }

    public static boolean isKnown(String architecture) {
        return ARCHITECTURES.contains(architecture);
    }

    /** Whether the architecture scores candidate patches rather than whole volumes. */
    public static boolean isLesionCentred(String architecture) {
        return CNN3D_PATCH_V1.equals(architecture);
    }

    public static ModelSpec of(String architecture) {
        if (CNN3D_V1.equals(architecture)) return cnn3dV1();
        if (CNN3D_PATCH_V1.equals(architecture)) return cnn3dPatchV1();
        throw new UserFacingException("unknown model architecture '" + architecture + "' (known: " + String.join(", ", ARCHITECTURES) + ")");
    }

    /** Channels of the four convolution blocks of cnn3d-v1. */
    public static final int[] CNN3D_V1_CHANNELS = {16, 32, 64, 128};

    /**
     * Channels of cnn3d-patch-v1's blocks: half of cnn3d-v1's. A 32³ patch around one candidate
     * needs less capacity than a whole chest, and the narrower blocks train about twice as fast
     * on a CPU (python/lungfl_model.py, measured in docs/model.md).
     */
    public static final int[] CNN3D_PATCH_V1_CHANNELS = {8, 16, 32, 64};

    /** The channels of an architecture's convolution blocks. */
    public static int[] channels(String architecture) {
        return (CNN3D_PATCH_V1.equals(architecture) ? CNN3D_PATCH_V1_CHANNELS : CNN3D_V1_CHANNELS).clone();
    }

    /** Width of the hidden fully connected layer of cnn3d-v1. */
    public static final int CNN3D_V1_HIDDEN = 64;

    /**
     * Four blocks of Conv3d(3×3×3, padding 1, no bias: BatchNorm's shift makes it redundant) →
     * BatchNorm3d → ReLU → MaxPool3d(2) with 16, 32, 64, 128 channels; global average pooling;
     * fc1 = Linear(128→64) → ReLU → Dropout(0.3) → fc2 = Linear(64→1), one logit. The input shape
     * does not change any tensor shape, thanks to the global pooling.
     */
    public static ModelSpec cnn3dV1() {
        List<TensorSpec> t = convBlocks(CNN3D_V1_CHANNELS);
        int in = CNN3D_V1_CHANNELS[CNN3D_V1_CHANNELS.length - 1];
        t.add(new TensorSpec("fc1.weight", DType.F32, new int[] {CNN3D_V1_HIDDEN, in}));
        t.add(new TensorSpec("fc1.bias", DType.F32, new int[] {CNN3D_V1_HIDDEN}));
        t.add(new TensorSpec("fc2.weight", DType.F32, new int[] {1, CNN3D_V1_HIDDEN}));
        t.add(new TensorSpec("fc2.bias", DType.F32, new int[] {1}));
        return new ModelSpec(CNN3D_V1, t);
    }

    /**
     * Four blocks like cnn3d-v1's, with {@link #CNN3D_PATCH_V1_CHANNELS} channels, on one
     * candidate's patch (1×P×P×P, P a multiple of 16), global average pooling, then one linear
     * layer {@code fc} = Linear(64→1): one logit, "is a malignant nodule at the centre". No hidden
     * layer and no dropout: at 73 k parameters, almost all in the convolutions, the head needs no more.
     */
    public static ModelSpec cnn3dPatchV1() {
        List<TensorSpec> t = convBlocks(CNN3D_PATCH_V1_CHANNELS);
        int in = CNN3D_PATCH_V1_CHANNELS[CNN3D_PATCH_V1_CHANNELS.length - 1];
        t.add(new TensorSpec("fc.weight", DType.F32, new int[] {1, in}));
        t.add(new TensorSpec("fc.bias", DType.F32, new int[] {1}));
        return new ModelSpec(CNN3D_PATCH_V1, t);
    }

    /** The feature extractor both share: blocks.{0..3}.conv / .bn with the given channels. */
    private static List<TensorSpec> convBlocks(int[] channels) {
        List<TensorSpec> t = new ArrayList<>();
        int in = 1;
        for (int b = 0; b < channels.length; b++) {
            int out = channels[b];
            String p = "blocks." + b + ".";
            t.add(new TensorSpec(p + "conv.weight", DType.F32, new int[] {out, in, 3, 3, 3}));
            t.add(new TensorSpec(p + "bn.weight", DType.F32, new int[] {out}));
            t.add(new TensorSpec(p + "bn.bias", DType.F32, new int[] {out}));
            t.add(new TensorSpec(p + "bn.running_mean", DType.F32, new int[] {out}));
            t.add(new TensorSpec(p + "bn.running_var", DType.F32, new int[] {out}));
            t.add(new TensorSpec(p + "bn.num_batches_tracked", DType.I64, new int[] {}));
            in = out;
        }
        return t;
    }

    public String architecture() {
        return architecture;
    }

    public List<TensorSpec> tensors() {
        return tensors;
    }

    /**
     * Deterministic initialisation, the same bytes on every machine: He (Kaiming) normal with
     * std = sqrt(2 / fan_in) for convolution and linear weights, zero biases, BatchNorm at identity
     * (weight 1, bias 0, running mean 0, running variance 1, no batches tracked). Each tensor draws
     * from its own {@link Random} seeded by (seed, tensor index): java.util.Random and its
     * nextGaussian are specified exactly by the Java SE API, so the bytes do not depend on the JVM.
     */
    public Weights initialWeights(long seed) {
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec s = tensors.get(i);
            int[] shape = s.shape();
            int n = Math.toIntExact(Tensor.elementCount(shape));
            if (s.dtype() == DType.I64) {
                out.add(Tensor.ofLongs(s.name(), shape, new long[n]));
                continue;
            }
            float[] v = new float[n];
            String name = s.name();
            if (name.endsWith(".weight") && shape.length >= 2) {
                int fanIn = n / shape[0];
                double std = Math.sqrt(2.0 / fanIn);
                Random rnd = new Random(seed * 1_000_003L + i);
                for (int k = 0; k < n; k++) v[k] = (float) (rnd.nextGaussian() * std);
            } else if (name.endsWith("bn.weight") || name.endsWith("running_var")) {
                Arrays.fill(v, 1f);
            }
            out.add(Tensor.ofFloats(name, shape, v));
        }
        return new Weights(out);
    }

    /**
     * What differs between these weights and the spec, one line per difference (missing, extra,
     * wrong dtype or shape); empty when they match.
     */
    public List<String> differences(Weights w) {
        List<TensorSpec> layout = new ArrayList<>();
        for (Tensor t : w.tensors()) layout.add(new TensorSpec(t.name(), t.dtype(), t.shape()));
        return differences(layout);
    }

    /** The same for a file's layout (its header), before any value is read. */
    public List<String> differences(List<TensorSpec> layout) {
        List<String> diffs = new ArrayList<>();
        Map<String, TensorSpec> expected = new HashMap<>();
        Map<String, TensorSpec> actual = new HashMap<>();
        for (TensorSpec s : tensors) expected.put(s.name(), s);
        for (TensorSpec t : layout) actual.put(t.name(), t);
        for (TensorSpec s : tensors) {
            TensorSpec t = actual.get(s.name());
            if (t == null) {
                diffs.add("missing tensor " + s);
                continue;
            }
            if (!s.equals(t)) diffs.add("tensor '" + s.name() + "' is " + t.dtype() + Arrays.toString(t.shape())
                    + ", expected " + s.dtype() + Arrays.toString(s.shape()));
        }
        for (TensorSpec t : layout) {
            if (!expected.containsKey(t.name())) diffs.add("unexpected tensor " + t);
        }
        return diffs;
    }
}
