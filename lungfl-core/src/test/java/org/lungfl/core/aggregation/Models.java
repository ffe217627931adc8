package org.lungfl.core.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/** Small models with cnn3d-v1's kinds of tensors, and their F32 values as one vector for direct computations. */
final class Models {
    static final String[] NAMES = {"conv.weight", "bn.weight", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", "fc.weight"};
    static final int[] SIZES = {11, 3, 3, 3, 1, 7};

    private Models() {}

    static Weights random(Random r, double scale, long counter) {
        List<Tensor> t = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].endsWith("num_batches_tracked")) {
                t.add(Tensor.ofLongs(NAMES[i], new int[] {}, new long[] {counter}));
                continue;
            }
            float[] v = new float[SIZES[i]];
            for (int j = 0; j < v.length; j++) v[j] = (float) (r.nextGaussian() * scale);
            t.add(Tensor.ofFloats(NAMES[i], new int[] {SIZES[i]}, v));
        }
        return new Weights(t);
    }

    /** The F32 values in layout order, optionally without the BatchNorm statistics. */
    static double[] flat(Weights w, boolean withoutLocal) {
        List<Double> out = new ArrayList<>();
        for (Tensor t : w.tensors()) {
            if (t.dtype() != DType.F32 || withoutLocal && LocalTensors.isLocal(t.name())) continue;
            for (float f : t.floats()) out.add((double) f);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double[] flat(Weights w) {
        return flat(w, false);
    }

    static double[] minus(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int j = 0; j < a.length; j++) d[j] = a[j] - b[j];
        return d;
    }

    static double norm(double[] a) {
        double s = 0;
        for (double x : a) s += x * x;
        return Math.sqrt(s);
    }

    static double distance2(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
        return s;
    }

    /** Weights like {@code like} with its F32 values replaced by {@code values} (in layout order). */
    static Weights withFloats(Weights like, double[] values) {
        List<Tensor> out = new ArrayList<>();
        int p = 0;
        for (Tensor t : like.tensors()) {
            if (t.dtype() != DType.F32) {
                out.add(t);
                continue;
            }
            float[] v = new float[t.size()];
            for (int j = 0; j < v.length; j++) v[j] = (float) values[p++];
            out.add(Tensor.ofFloats(t.name(), t.shape(), v));
        }
        return new Weights(out);
    }
}
