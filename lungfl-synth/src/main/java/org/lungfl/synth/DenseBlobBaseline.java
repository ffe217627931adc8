package org.lungfl.synth;

/**
 * A non-learned cancer score: the volume of the core of the largest dense blob (above
 * {@value #DENSE_HU} HU) inside the lungs. "Inside" means lung air (below {@value #AIR_HU} HU)
 * lies within {@value #REACH_MM} mm above and below and in at least three of the four in-plane
 * directions: true for a nodule or vessel in the parenchyma (also one abutting the mediastinum or
 * the pleura on one side), false for the chest wall, the mediastinum and the diaphragm dome (liver
 * below it). A blob's core is its voxels with at least three of four in-plane neighbours dense:
 * a vessel, one or two voxels across at the model's resolution, has none.
 *
 * <p>It sees big solid nodules, misses small, part-solid and many juxtapleural ones, and is fooled
 * by vessel crossings and large granulomas: a floor the learned model must beat.
 */
public final class DenseBlobBaseline {
    static final float AIR_HU = -500f, DENSE_HU = -300f;
    static final double REACH_MM = 20;

    private DenseBlobBaseline() {}

    /** The score in mL for a HU volume {@code hu[(z * h + y) * w + x]} with voxel spacing (z, y, x) in mm. */
    public static double largestDenseBlobMl(float[] hu, int d, int h, int w, double[] spacing) {
        int n = d * h * w;
        int rz = Math.max(1, (int) Math.ceil(REACH_MM / spacing[0]));
        int ry = Math.max(1, (int) Math.ceil(REACH_MM / spacing[1]));
        int rx = Math.max(1, (int) Math.ceil(REACH_MM / spacing[2]));
        int plane = h * w;
        boolean[] dense = new boolean[n];
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (z * h + y) * w + x;
                    if (!(hu[i] > DENSE_HU) || !airWithin(hu, i, -plane, Math.min(rz, z)) || !airWithin(hu, i, plane, Math.min(rz, d - 1 - z))) continue;
                    int sides = (airWithin(hu, i, -1, Math.min(rx, x)) ? 1 : 0) + (airWithin(hu, i, 1, Math.min(rx, w - 1 - x)) ? 1 : 0)
                            + (airWithin(hu, i, -w, Math.min(ry, y)) ? 1 : 0) + (airWithin(hu, i, w, Math.min(ry, h - 1 - y)) ? 1 : 0);
                    dense[i] = sides >= 3;
                }
            }
        }
        boolean[] blob = dense.clone();
        int[] queue = new int[n];
        int best = 0;
        for (int i = 0; i < n; i++) {
            if (!blob[i]) continue;
            int size = flood(blob, i, d, h, w, queue);
            int core = 0;
            for (int k = 0; k < size; k++) if (interior(dense, queue[k], h, w)) core++;
            if (core > best) best = core;
        }
        return best * spacing[0] * spacing[1] * spacing[2] / 1000.0;
    }

    private static boolean airWithin(float[] hu, int i, int step, int steps) {
        for (int k = 1; k <= steps; k++) if (hu[i + k * step] < AIR_HU) return true;
        return false;
    }

    /**
     * A dense voxel with at least three of its four in-plane neighbours dense: the blob is wider
     * than a vessel there (a vessel in cross-section or along its length has at most two).
     */
    private static boolean interior(boolean[] dense, int i, int h, int w) {
        int r = i % (h * w), y = r / w, x = r % w;
        if (x == 0 || y == 0 || x == w - 1 || y == h - 1) return false;
        int n = (dense[i - 1] ? 1 : 0) + (dense[i + 1] ? 1 : 0) + (dense[i - w] ? 1 : 0) + (dense[i + w] ? 1 : 0);
        return n >= 3;
    }

    /** Clears the 6-connected region of set voxels containing seed; returns its size. */
    private static int flood(boolean[] set, int seed, int d, int h, int w, int[] queue) {
        int plane = h * w;
        int head = 0, tail = 0;
        queue[tail++] = seed;
        set[seed] = false;
        while (head < tail) {
            int i = queue[head++];
            int z = i / plane, r = i - z * plane, y = r / w, x = r - y * w;
            if (x > 0 && set[i - 1]) { set[i - 1] = false; queue[tail++] = i - 1; }
            if (x < w - 1 && set[i + 1]) { set[i + 1] = false; queue[tail++] = i + 1; }
            if (y > 0 && set[i - w]) { set[i - w] = false; queue[tail++] = i - w; }
            if (y < h - 1 && set[i + w]) { set[i + w] = false; queue[tail++] = i + w; }
            if (z > 0 && set[i - plane]) { set[i - plane] = false; queue[tail++] = i - plane; }
            if (z < d - 1 && set[i + plane]) { set[i + plane] = false; queue[tail++] = i + plane; }
        }
        return tail;
    }
}
