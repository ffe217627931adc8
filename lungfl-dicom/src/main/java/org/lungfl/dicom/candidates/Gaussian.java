package org.lungfl.dicom.candidates;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Separable Gaussian smoothing of a volume, one axis at a time with a sampled kernel truncated at
 * 3σ and normalised to sum 1; samples beyond the edge repeat the edge value (scipy's
 * {@code mode='nearest'}), so a structure at the border is not darkened by imaginary zeros.
 *
 * <p>Each pass adds whole lines at once: an output column, row or slice is Σ k_j · (the input line
 * j − r away along the axis). Lines are separate arrays indexed from 0, the form the JIT turns into
 * SIMD (it leaves loops over a flat array at a shifted index scalar, five times slower here); the
 * input is held as columns for the x pass, then rows for y, then slices for z. The taps are summed
 * in order from 0, as a per-voxel dot product would, so the result is the same to the bit. Slices
 * are independent within a pass and run on the common fork-join pool.
 */
final class Gaussian {
    private final int d, h, w;
    /** {@code columns[z·w + x][y]}: the volume along y, so the x pass adds whole columns. */
    private final float[][] columns;

    /** Prepares {@code src} (d × h × w) for smoothing at any number of scales. */
    Gaussian(float[] src, int d, int h, int w) {
        this.d = d;
        this.h = h;
        this.w = w;
        this.columns = new float[d * w][];
        IntStream.range(0, d).parallel().forEach(z -> {
            for (int x = 0; x < w; x++) {
                float[] c = new float[h];
                for (int y = 0; y < h; y++) c[y] = src[(z * h + y) * w + x];
                columns[z * w + x] = c;
            }
        });
    }

    /** The normalised kernel for σ in voxels: 2·ceil(3σ) + 1 taps. */
    static float[] kernel(double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = -r; i <= r; i++) k[i + r] = (float) (Math.exp(-0.5 * i * i / (sigma * sigma)) / sum);
        return k;
    }

    /** Smooths {@code src} (d × h × w) with σ voxels along every axis into a new array. */
    static float[] smooth(float[] src, int d, int h, int w, double sigma) {
        return new Gaussian(src, d, h, w).smooth(sigma);
    }

    /** The volume smoothed with σ voxels along every axis, as a new flat array. */
    float[] smooth(double sigma) {
        float[] k = kernel(sigma);
        int plane = h * w;
        float[][] slices = new float[d][];
        IntStream.range(0, d).parallel().forEach(z -> {
            // x: each output column from the columns around it
            float[][] xs = new float[w][h];
            int[] at = new int[k.length];
            for (int x = 0; x < w; x++) {
                for (int j = 0; j < k.length; j++) at[j] = z * w + clamp(x + j - k.length / 2, w);
                taps(columns, at, k, xs[x]);
            }
            // y: the slice as rows, each output row from the rows around it
            float[][] rows = new float[h][w];
            for (int x = 0; x < w; x++) {
                float[] c = xs[x];
                for (int y = 0; y < h; y++) rows[y][x] = c[y];
            }
            float[] slice = new float[plane], row = new float[w];
            int[] rowAt = new int[k.length];
            for (int y = 0; y < h; y++) {
                for (int j = 0; j < k.length; j++) rowAt[j] = clamp(y + j - k.length / 2, h);
                taps(rows, rowAt, k, row);
                System.arraycopy(row, 0, slice, y * w, w);
            }
            slices[z] = slice;
        });
        // z: each output slice from the slices around it
        float[] out = new float[d * plane];
        IntStream.range(0, d).parallel().forEach(z -> {
            int[] at = new int[k.length];
            for (int j = 0; j < k.length; j++) at[j] = clamp(z + j - k.length / 2, d);
            float[] slice = new float[plane];
            taps(slices, at, k, slice);
            System.arraycopy(slice, 0, out, z * plane, plane);
        });
        return out;
    }

    private static int clamp(int i, int n) {
        return Math.min(n - 1, Math.max(0, i));
    }

    /**
     * {@code out[i] = Σ_j k[j] · lines[at[j]][i]}, summed in j order from 0. Four taps per sweep, so
     * each output is loaded and stored once per four taps.
     */
    static void taps(float[][] lines, int[] at, float[] k, float[] out) {
        int n = out.length;
        Arrays.fill(out, 0f);
        int j = 0;
        for (; j + 4 <= k.length; j += 4) {
            float[] s0 = lines[at[j]], s1 = lines[at[j + 1]], s2 = lines[at[j + 2]], s3 = lines[at[j + 3]];
            float k0 = k[j], k1 = k[j + 1], k2 = k[j + 2], k3 = k[j + 3];
            for (int i = 0; i < n; i++) out[i] = out[i] + k0 * s0[i] + k1 * s1[i] + k2 * s2[i] + k3 * s3[i];
        }
        for (; j < k.length; j++) {
            float[] s = lines[at[j]];
            float kj = k[j];
            for (int i = 0; i < n; i++) out[i] = out[i] + kj * s[i];
        }
    }
}
