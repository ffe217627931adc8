package org.lungfl.model;

import java.util.Random;

/**
 * Label-preserving changes to a training volume: a random flip along each axis and a small random
 * shift (up to 1/16 of each dimension), filling uncovered voxels with the nearest edge value so no
 * assumption about the background intensity is needed. Done in Java on the loader thread, so it
 * overlaps with the training step instead of adding to it.
 */
public final class Augmentation {
    private final int d, h, w;
    private final int[] zMap, yMap, xMap;

    public Augmentation(int[] inputShape) {
        this.d = inputShape[1];
        this.h = inputShape[2];
        this.w = inputShape[3];
        this.zMap = new int[d];
        this.yMap = new int[h];
        this.xMap = new int[w];
    }

    /** Writes the augmented {@code in} to {@code out} at {@code offset}. */
    public void apply(float[] in, float[] out, int offset, Random rnd) {
        axisMap(zMap, rnd);
        axisMap(yMap, rnd);
        axisMap(xMap, rnd);
        int o = offset;
        for (int z = 0; z < d; z++) {
            int zBase = zMap[z] * h * w;
            for (int y = 0; y < h; y++) {
                int base = zBase + yMap[y] * w;
                for (int x = 0; x < w; x++) out[o++] = in[base + xMap[x]];
            }
        }
    }

    /** Source index for every output index along one axis: optional flip, then a clamped shift. */
    private static void axisMap(int[] map, Random rnd) {
        int n = map.length;
        boolean flip = rnd.nextBoolean();
        int max = Math.max(1, n / 16);
        int shift = rnd.nextInt(2 * max + 1) - max;
        for (int i = 0; i < n; i++) {
            int src = Math.min(n - 1, Math.max(0, i - shift));
            map[i] = flip ? n - 1 - src : src;
        }
    }
}
