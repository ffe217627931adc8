package org.lungfl.synth;

import java.util.Arrays;

/**
 * A non-learned cancer score: the volume of the largest dense blob (above {@value #DENSE_HU} HU)
 * inside the lungs. It sees big nodules, misses small or juxtapleural ones, and is fooled by
 * calcified granulomas and thick vessels: a floor the learned model must beat.
 *
 * <p>Lungs: 6-connected regions below {@value #AIR_HU} HU that do not touch the in-plane border
 * (outside air does). Nodules inside the lungs are holes in that mask, so each axial slice of it is
 * hole-filled; dense voxels in the filled holes form the blobs (6-connected, in 3D).
 */
public final class DenseBlobBaseline {
    static final float AIR_HU = -500f, DENSE_HU = -300f;
    /** Lung components smaller than this (mL) are bowel gas, table foam or noise. */
    static final double MIN_LUNG_ML = 50;

    private DenseBlobBaseline() {}

    /** The score in mL for a HU volume {@code hu[(z * h + y) * w + x]} with voxel spacing (z, y, x) in mm. */
    public static double largestDenseBlobMl(float[] hu, int d, int h, int w, double[] spacing) {
        double voxelMl = spacing[0] * spacing[1] * spacing[2] / 1000.0;
        int n = d * h * w;
        boolean[] lung = lungMask(hu, d, h, w, (int) Math.ceil(MIN_LUNG_ML / voxelMl));
        boolean[] dense = new boolean[n];
        boolean[] filled = fillHolesPerSlice(lung, d, h, w);
        for (int i = 0; i < n; i++) dense[i] = filled[i] && !lung[i] && hu[i] > DENSE_HU;
        int largest = 0;
        int[] queue = new int[n];
        for (int i = 0; i < n; i++) {
            if (!dense[i]) continue;
            int size = flood(dense, i, d, h, w, queue);
            largest = Math.max(largest, size);
        }
        return largest * voxelMl;
    }

    private static boolean[] lungMask(float[] hu, int d, int h, int w, int minVoxels) {
        int n = d * h * w;
        boolean[] air = new boolean[n];
        for (int i = 0; i < n; i++) air[i] = hu[i] < AIR_HU;
        boolean[] lung = new boolean[n];
        int[] queue = new int[n];
        boolean[] seen = air.clone();
        for (int i = 0; i < n; i++) {
            if (!seen[i]) continue;
            int size = flood(seen, i, d, h, w, queue);
            boolean border = false;
            for (int k = 0; k < size && !border; k++) {
                int r = queue[k] % (h * w);
                int y = r / w, x = r % w;
                border = y == 0 || x == 0 || y == h - 1 || x == w - 1;
            }
            if (!border && size >= minVoxels) for (int k = 0; k < size; k++) lung[queue[k]] = true;
        }
        return lung;
    }

    /** Per axial slice: the mask plus every region of its complement that the slice border cannot reach. */
    private static boolean[] fillHolesPerSlice(boolean[] mask, int d, int h, int w) {
        boolean[] filled = mask.clone();
        int plane = h * w;
        boolean[] outside = new boolean[plane];
        int[] queue = new int[plane];
        for (int z = 0; z < d; z++) {
            int o = z * plane;
            Arrays.fill(outside, false);
            int tail = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (y != 0 && x != 0 && y != h - 1 && x != w - 1) continue;
                    int p = y * w + x;
                    if (!mask[o + p] && !outside[p]) {
                        outside[p] = true;
                        queue[tail++] = p;
                    }
                }
            }
            int head = 0;
            while (head < tail) {
                int p = queue[head++];
                int y = p / w, x = p % w;
                int[] nb = {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1};
                for (int q : nb) {
                    if (q >= 0 && !outside[q] && !mask[o + q]) {
                        outside[q] = true;
                        queue[tail++] = q;
                    }
                }
            }
            for (int p = 0; p < plane; p++) if (!outside[p]) filled[o + p] = true;
        }
        return filled;
    }

    /**
     * Clears the 6-connected region of {@code set} voxels containing {@code seed}, leaving its
     * voxel indices in {@code queue[0..size)}; returns its size.
     */
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
