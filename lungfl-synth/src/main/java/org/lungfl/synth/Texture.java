package org.lungfl.synth;

import java.util.SplittableRandom;

/**
 * Parenchyma texture: Gaussian values on a coarse 3D lattice, interpolated trilinearly, so the lung
 * shows smooth density variation (a few tens of HU over a few mm) rather than a flat −850. A slice
 * first blends the two lattice planes around its z, then samples that plane bilinearly.
 */
final class Texture {
    private final double x0, y0, z0, step;
    private final int nx, ny, nz;
    private final float[] values;

    Texture(double x0, double y0, double z0, double step, int nx, int ny, int nz, double amplitude, SplittableRandom rng) {
        this.x0 = x0;
        this.y0 = y0;
        this.z0 = z0;
        this.step = step;
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
        values = new float[nx * ny * nz];
        for (int i = 0; i < values.length; i++) values[i] = (float) (Gaussian.next(rng) * amplitude);
    }

    /** The lattice plane interpolated at height z, ny × nx values. */
    float[] planeAt(double z) {
        double fz = clamp((z - z0) / step, 0, nz - 1.000001);
        int k = (int) fz;
        float w = (float) (fz - k);
        float[] plane = new float[nx * ny];
        int a = k * nx * ny, b = a + nx * ny;
        for (int i = 0; i < plane.length; i++) plane[i] = values[a + i] * (1 - w) + values[b + i] * w;
        return plane;
    }

    /** Bilinear sample of a plane from {@link #planeAt}. */
    float sample(float[] plane, double x, double y) {
        double fx = clamp((x - x0) / step, 0, nx - 1.000001);
        double fy = clamp((y - y0) / step, 0, ny - 1.000001);
        int i = (int) fx, j = (int) fy;
        float wx = (float) (fx - i), wy = (float) (fy - j);
        int p = j * nx + i;
        float top = plane[p] + (plane[p + 1] - plane[p]) * wx;
        float bottom = plane[p + nx] + (plane[p + nx + 1] - plane[p + nx]) * wx;
        return top + (bottom - top) * wy;
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : (v > hi ? hi : v);
    }
}
