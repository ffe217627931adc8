package org.lungfl.model;

import java.util.Random;

/**
 * Candidate patches in memory for model tests: noise, and in the positive ones a bright ball at
 * the centre (the lesion-centred task in miniature). The same index always gives the same patch.
 */
final class SyntheticPatches implements Examples {
    static final int SIDE = 32;
    private final int count;
    private final long seed;

    SyntheticPatches(int count, long seed) {
        this.count = count;
        this.seed = seed;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int label(int i) {
        return i % 2;
    }

    @Override
    public void load(int i, float[] dst, int offset, Random augment) {
        Random r = new Random(seed * 7919 + i);
        double c = (SIDE - 1) / 2.0 + (augment == null ? 0 : augment.nextInt(3) - 1);
        for (int z = 0; z < SIDE; z++)
            for (int y = 0; y < SIDE; y++)
                for (int x = 0; x < SIDE; x++) {
                    double d2 = (z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c);
                    double ball = label(i) == 1 ? Math.exp(-d2 / 18.0) : 0;
                    dst[offset + (z * SIDE + y) * SIDE + x] = (float) (r.nextGaussian() * 0.2 - 0.25 + ball);
                }
    }
}
