package org.lungfl.dicom.volume;

/**
 * Linear interpolation weights along one axis: output sample k lies between source samples
 * {@code lower[k]} and {@code lower[k] + 1}, at fraction {@code frac[k]} of the way. Trilinear
 * interpolation is this applied along x, then y, then z; doing it one axis at a time costs a few
 * operations per output voxel instead of eight reads, and lets each slice shrink in-plane as soon
 * as it is decoded.
 *
 * <p>The output grid starts on the first source sample and steps by the target spacing exactly,
 * ending at or before the last source sample (no extrapolation).
 */
final class LinearAxis {
    final int[] lower;
    final float[] frac;

    private LinearAxis(int[] lower, float[] frac) {
        this.lower = lower;
        this.frac = frac;
    }

    int size() {
        return lower.length;
    }

    /** A uniform source of {@code n} samples {@code from} mm apart, resampled every {@code to} mm. */
    static LinearAxis uniform(int n, double from, double to) {
        double[] pos = new double[n];
        for (int i = 0; i < n; i++) pos[i] = i * from;
        return of(pos, to);
    }

    /** Source samples at ascending {@code positions} (mm; gaps allowed), resampled every {@code to} mm. */
    static LinearAxis of(double[] positions, double to) {
        int n = positions.length;
        double extent = positions[n - 1] - positions[0];
        // The epsilon keeps an extent that is an exact multiple of the step from losing its last sample to rounding.
        int out = (int) Math.floor(extent / to + 1e-6) + 1;
        int[] lower = new int[out];
        float[] frac = new float[out];
        int i = 0;
        for (int k = 0; k < out; k++) {
            double p = positions[0] + k * to;
            while (i < n - 2 && positions[i + 1] <= p) i++;
            if (n == 1) {
                lower[k] = 0;
                frac[k] = 0;
                continue;
            }
            double f = (p - positions[i]) / (positions[i + 1] - positions[i]);
            lower[k] = i;
            frac[k] = (float) Math.max(0, Math.min(1, f));
        }
        return new LinearAxis(lower, frac);
    }

    /** Resamples each row of a {@code rows × columns} image along its columns. */
    float[] alongRows(float[] src, int rows, int columns) {
        int out = size();
        float[] dst = new float[rows * out];
        float[] row = new float[columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, r * columns, row, 0, columns);
            resampleRow(row, dst, r * out);
        }
        return dst;
    }

    /** Resamples one row into {@code dst} from {@code offset}. */
    void resampleRow(float[] row, float[] dst, int offset) {
        int out = size();
        if (row.length == 1) {
            java.util.Arrays.fill(dst, offset, offset + out, row[0]);
            return;
        }
        for (int k = 0; k < out; k++) {
            int i = lower[k];
            float a = row[i];
            dst[offset + k] = a + (row[i + 1] - a) * frac[k];
        }
    }

    /** Resamples the rows of a {@code rows × columns} image, i.e. along the column direction. */
    float[] alongColumns(float[] src, int rows, int columns) {
        int out = size();
        float[] dst = new float[out * columns];
        for (int k = 0; k < out; k++) {
            int a = lower[k] * columns;
            int b = rows == 1 ? a : a + columns;
            float f = frac[k];
            int d = k * columns;
            for (int c = 0; c < columns; c++) {
                float v = src[a + c];
                dst[d + c] = v + (src[b + c] - v) * f;
            }
        }
        return dst;
    }

    /**
     * Blends whole slices: output slice k from source slices lower[k] and lower[k] + 1. Output
     * slices are independent, so they are shared out over the cores (the common fork-join pool):
     * the importer stacks one patient while its decoding pool waits.
     */
    float[] alongSlices(float[][] slices, int sliceSize) {
        int out = size();
        float[] dst = new float[out * sliceSize];
        java.util.stream.IntStream.range(0, out).parallel().forEach(k -> {
            float[] a = slices[lower[k]];
            float[] b = slices.length == 1 ? a : slices[lower[k] + 1];
            float f = frac[k];
            int d = k * sliceSize;
            for (int j = 0; j < sliceSize; j++) {
                float v = a[j];
                dst[d + j] = v + (b[j] - v) * f;
            }
        });
        return dst;
    }
}
