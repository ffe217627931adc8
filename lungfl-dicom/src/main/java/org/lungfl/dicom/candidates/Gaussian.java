package org.lungfl.dicom.candidates;

/**
 * Separable Gaussian smoothing of a volume, one axis at a time with a sampled kernel truncated at
 * 3σ and normalised to sum 1; samples beyond the edge repeat the edge value (scipy's
 * {@code mode='nearest'}), so a structure at the border is not darkened by imaginary zeros.
 */
final class Gaussian {
    private Gaussian() {}

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
        float[] k = kernel(sigma);
        float[] a = new float[src.length];
        float[] b = new float[src.length];
        alongX(src, a, d * h, w, k);
        alongY(a, b, d, h, w, k);
        alongZ(b, a, d, h * w, k);
        return a;
    }

    /** Each row of {@code w} values convolved with the kernel. */
    private static void alongX(float[] src, float[] dst, int rows, int w, float[] k) {
        int r = k.length / 2;
        float[] line = new float[w + 2 * r];
        for (int row = 0; row < rows; row++) {
            int base = row * w;
            padLine(src, base, 1, w, r, line);
            convolve(line, k, dst, base, 1, w);
        }
    }

    /** Along y, slice by slice: columns are strided by w. */
    private static void alongY(float[] src, float[] dst, int d, int h, int w, float[] k) {
        int r = k.length / 2;
        float[] line = new float[h + 2 * r];
        for (int z = 0; z < d; z++) {
            for (int x = 0; x < w; x++) {
                int base = z * h * w + x;
                padLine(src, base, w, h, r, line);
                convolve(line, k, dst, base, w, h);
            }
        }
    }

    /**
     * Along z: whole slices at a time (output slice = Σ k_j · input slice z+j), so the inner loop
     * runs over contiguous memory instead of striding a plane apart.
     */
    private static void alongZ(float[] src, float[] dst, int d, int plane, float[] k) {
        int r = k.length / 2;
        java.util.Arrays.fill(dst, 0f);
        for (int z = 0; z < d; z++) {
            int out = z * plane;
            for (int j = -r; j <= r; j++) {
                int sz = Math.min(d - 1, Math.max(0, z + j));
                int in = sz * plane;
                float kj = k[j + r];
                for (int i = 0; i < plane; i++) dst[out + i] += kj * src[in + i];
            }
        }
    }

    private static void padLine(float[] src, int base, int stride, int n, int r, float[] line) {
        for (int i = 0; i < n; i++) line[r + i] = src[base + i * stride];
        float first = line[r], last = line[r + n - 1];
        for (int i = 0; i < r; i++) {
            line[i] = first;
            line[r + n + i] = last;
        }
    }

    private static void convolve(float[] line, float[] k, float[] dst, int base, int stride, int n) {
        int taps = k.length;
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int j = 0; j < taps; j++) s += k[j] * line[i + j];
            dst[base + i * stride] = s;
        }
    }
}
