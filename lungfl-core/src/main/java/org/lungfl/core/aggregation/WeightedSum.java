package org.lungfl.core.aggregation;

/**
 * The arithmetic kernel of linear aggregation. A plain counted loop over float arrays is what the
 * JIT vectorises best; the accumulator stays in cache because the server combines one tensor
 * (at most about a megabyte for cnn3d-v1) at a time.
 */
public final class WeightedSum {
    /** Tile for {@link #combine}: 16 K floats (64 KB) keep the accumulator in L2 across all inputs. */
    static final int TILE = 1 << 14;

    private WeightedSum() {}

    /** {@code acc[0, n) += a * x[0, n)}. */
    public static void axpy(float[] acc, float a, float[] x, int n) {
        if (n > acc.length || n > x.length) throw new IllegalArgumentException("arrays shorter than " + n);
        for (int j = 0; j < n; j++) acc[j] += a * x[j];
    }

    /**
     * {@code acc[0, n) += a * x[0, n)} in double precision. Aggregation accumulates in double: a
     * float accumulator overflows to infinity on finite inputs near Float.MAX_VALUE (a delta
     * θ − w_b of two such values), and its rounding depends on the order of the inputs.
     */
    public static void axpy(double[] acc, double a, float[] x, int n) {
        if (n > acc.length || n > x.length) throw new IllegalArgumentException("arrays shorter than " + n);
        for (int j = 0; j < n; j++) acc[j] += a * x[j];
    }

    /**
     * {@code out = Σ coef[i] · xs[i]} over long arrays, tile by tile, with the same {@link #axpy}
     * the server uses per tensor: each input is read once and the accumulator stays in cache.
     */
    public static void combine(float[][] xs, float[] coef, float[] out) {
        int n = out.length;
        for (int from = 0; from < n; from += TILE) {
            int len = Math.min(TILE, n - from);
            java.util.Arrays.fill(out, from, from + len, 0f);
            for (int i = 0; i < xs.length; i++) {
                float a = coef[i];
                float[] x = xs[i];
                for (int j = from, end = from + len; j < end; j++) out[j] += a * x[j];
            }
        }
    }
}
