package org.lungfl.core.model;

import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/**
 * Values no honest training can produce, recognised by a tensor's role (its PyTorch name suffix),
 * so the rules hold for every architecture in {@link ModelSpec} that uses PyTorch's naming:
 * <ul>
 *   <li>every F32 value is finite;
 *   <li>BatchNorm {@code *.running_var} is ≥ 0 (a negative variance is NaN at inference);
 *   <li>BatchNorm {@code *.num_batches_tracked} is in [0, {@link #MAX_BATCHES_TRACKED}] (the
 *       aggregate keeps the maximum, so one absurd counter would stay forever).
 * </ul>
 * The checks take a slice at a time, so the server can apply them while streaming a file.
 */
public final class WeightRules {
    /** 10^12 batches: a million a day for over two thousand years. */
    public static final long MAX_BATCHES_TRACKED = 1_000_000_000_000L;

    private WeightRules() {}

    /** Whether {@code tensor} is a BatchNorm running variance. */
    public static boolean isRunningVariance(String tensor) {
        return tensor.endsWith("running_var");
    }

    /** Whether {@code tensor} is a BatchNorm batch counter. */
    public static boolean isBatchCounter(String tensor) {
        return tensor.endsWith("num_batches_tracked");
    }

    /**
     * Checks values {@code v[0, n)}, which are elements {@code [first, first + n)} of an F32 tensor.
     *
     * @return null when they are valid, else one line naming the tensor, index and rule
     */
    public static String checkFloats(String tensor, float[] v, int n, long first) {
        boolean variance = isRunningVariance(tensor);
        for (int i = 0; i < n; i++) {
            float x = v[i];
            if (!Float.isFinite(x)) return "tensor '" + tensor + "' holds " + x + " at index " + (first + i) + "; every value must be finite";
            if (variance && x < 0) {
                return "tensor '" + tensor + "' holds the negative variance " + x + " at index " + (first + i)
                        + "; a BatchNorm running variance is >= 0";
            }
        }
        return null;
    }

    /** The same for an I64 tensor. */
    public static String checkLongs(String tensor, long[] v, int n, long first) {
        if (!isBatchCounter(tensor)) return null;
        for (int i = 0; i < n; i++) {
            if (v[i] < 0 || v[i] > MAX_BATCHES_TRACKED) {
                return "tensor '" + tensor + "' holds " + v[i] + " at index " + (first + i) + "; a BatchNorm batch counter is in [0, "
                        + MAX_BATCHES_TRACKED + "]";
            }
        }
        return null;
    }

    /** Every tensor of {@code w}: null when all are valid, else the first violation. */
    public static String check(Weights w) {
        for (Tensor t : w.tensors()) {
            String wrong = t.dtype() == DType.F32 ? checkFloats(t.name(), t.floats(), t.size(), 0) : checkLongs(t.name(), t.longs(), t.size(), 0);
            if (wrong != null) return wrong;
        }
        return null;
    }
}
