package org.lungfl.synth;

import java.util.SplittableRandom;

/**
 * Standard normal numbers. {@link #next} is exact (Box–Muller on a SplittableRandom, reproducible
 * across JVMs, unlike Random.nextGaussian's StrictMath-free history); {@link #TABLE} serves the
 * per-pixel scanner noise, where millions of samples per patient must cost a table lookup.
 */
final class Gaussian {
    static final int TABLE_BITS = 16;
    static final float[] TABLE = new float[1 << TABLE_BITS];

    static {
        SplittableRandom r = new SplittableRandom(0x5EEDL);
        for (int i = 0; i < TABLE.length; i++) TABLE[i] = (float) next(r);
    }

    private Gaussian() {}

    static double next(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(); // (0, 1]
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}
