package org.lungfl.dicom.candidates;

import java.util.Arrays;

/** Binary morphology on one axial slice ({@code h × w} bytes at {@code offset}; 1 = set). */
final class Slices {
    private static final float FAR = 1e20f;

    private Slices() {}

    /** Sets every background pixel not 4-connected to the slice's border: what the outline encloses. */
    static void fillHoles(byte[] m, int offset, int h, int w) {
        byte[] outside = new byte[h * w];
        int[] queue = new int[h * w];
        int tail = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((y == 0 || y == h - 1 || x == 0 || x == w - 1) && m[offset + y * w + x] == 0) {
                    outside[y * w + x] = 1;
                    queue[tail++] = y * w + x;
                }
            }
        }
        for (int head = 0; head < tail; head++) {
            int i = queue[head], y = i / w, x = i - y * w;
            if (x > 0) tail = flood(i - 1, m, offset, outside, queue, tail);
            if (x < w - 1) tail = flood(i + 1, m, offset, outside, queue, tail);
            if (y > 0) tail = flood(i - w, m, offset, outside, queue, tail);
            if (y < h - 1) tail = flood(i + w, m, offset, outside, queue, tail);
        }
        for (int i = 0; i < h * w; i++) if (outside[i] == 0) m[offset + i] = 1;
    }

    private static int flood(int i, byte[] m, int offset, byte[] outside, int[] queue, int tail) {
        if (outside[i] == 0 && m[offset + i] == 0) {
            outside[i] = 1;
            queue[tail++] = i;
        }
        return tail;
    }

    /**
     * Morphological closing with a disc of {@code radius} pixels: dilate, then erode, each by
     * thresholding an exact Euclidean distance transform. Beyond the slice counts as background.
     */
    static void close(byte[] m, int offset, int h, int w, double radius) {
        if (radius <= 0) return;
        boolean any = false;
        for (int i = 0; i < h * w && !any; i++) any = m[offset + i] == 1;
        if (!any) return;
        double r2 = radius * radius;
        // Pad by the radius so the erosion does not eat what the dilation pushed past the edge.
        int pad = (int) Math.ceil(radius) + 1;
        int ph = h + 2 * pad, pw = w + 2 * pad;
        float[] dist = new float[ph * pw];
        for (int y = 0; y < ph; y++) {
            for (int x = 0; x < pw; x++) {
                int sy = y - pad, sx = x - pad;
                boolean set = sy >= 0 && sy < h && sx >= 0 && sx < w && m[offset + sy * w + sx] == 1;
                dist[y * pw + x] = set ? 0 : FAR;
            }
        }
        squaredDistance(dist, ph, pw);
        // dilated = within the radius of the set; the erosion of that keeps what is farther than the radius from outside it.
        for (int i = 0; i < dist.length; i++) dist[i] = dist[i] <= r2 ? FAR : 0;
        squaredDistance(dist, ph, pw);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) m[offset + y * w + x] = (byte) (dist[(y + pad) * pw + x + pad] > r2 ? 1 : 0);
        }
    }

    /**
     * In place: each value becomes the squared distance to the nearest zero (values are 0 or FAR
     * on input). Felzenszwalb and Huttenlocher's exact 1-D lower envelope of parabolas, rows then
     * columns.
     */
    static void squaredDistance(float[] f, int h, int w) {
        int n = Math.max(h, w);
        double[] line = new double[n], out = new double[n], z = new double[n + 1];
        int[] v = new int[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) line[x] = f[y * w + x];
            envelope(line, w, out, v, z);
            for (int x = 0; x < w; x++) f[y * w + x] = (float) Math.min(out[x], FAR);
        }
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) line[y] = f[y * w + x];
            envelope(line, h, out, v, z);
            for (int y = 0; y < h; y++) f[y * w + x] = (float) Math.min(out[y], FAR);
        }
    }

    private static void envelope(double[] f, int n, double[] d, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s = intersection(f, q, v[k]);
            while (s <= z[k]) {
                k--;
                s = intersection(f, q, v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) k++;
            double dq = q - v[k];
            d[q] = dq * dq + f[v[k]];
        }
    }

    /** Where the parabolas rooted at q and p cross. */
    private static double intersection(double[] f, int q, int p) {
        return ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
    }
}
