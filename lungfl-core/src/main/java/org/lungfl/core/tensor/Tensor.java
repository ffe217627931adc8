package org.lungfl.core.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named, dense, row-major tensor. Float tensors hold {@code float[]}, counters (BatchNorm's
 * {@code num_batches_tracked}) hold {@code long[]}; exactly one of the two is non-null.
 */
public final class Tensor {
    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final float[] floats;
    private final long[] longs;

    private Tensor(String name, DType dtype, int[] shape, float[] floats, long[] longs) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
        long n = elementCount(shape);
        long have = floats != null ? floats.length : longs.length;
        if (n != have) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " needs " + n + " values, got " + have);
        }
    }

    public static Tensor ofFloats(String name, int[] shape, float[] values) {
        return new Tensor(name, DType.F32, shape, Objects.requireNonNull(values), null);
    }

    public static Tensor ofLongs(String name, int[] shape, long[] values) {
        return new Tensor(name, DType.I64, shape, null, Objects.requireNonNull(values));
    }

    /** Number of elements of a shape; a scalar (empty shape) has one. */
    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String name() { return name; }

    public DType dtype() { return dtype; }

    public int[] shape() { return shape.clone(); }

    public int size() { return floats != null ? floats.length : longs.length; }

    /** The live float array (no copy: weights are large and handled by trusted code). */
    public float[] floats() {
        if (floats == null) throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not F32");
        return floats;
    }

    /** The live long array. */
    public long[] longs() {
        if (longs == null) throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not I64");
        return longs;
    }

    public boolean sameLayout(Tensor o) {
        return name.equals(o.name) && dtype == o.dtype && Arrays.equals(shape, o.shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && sameLayout(t) && Arrays.equals(floats, t.floats) && Arrays.equals(longs, t.longs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), Arrays.hashCode(floats), Arrays.hashCode(longs));
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
