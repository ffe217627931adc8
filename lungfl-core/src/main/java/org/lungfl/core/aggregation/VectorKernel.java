package org.lungfl.core.aggregation;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WeightedSum} on the Vector API. Loaded only when jdk.incubator.vector is in the boot layer.
 *
 * <p>Floats are widened to double lane for lane: a float vector of half the preferred width
 * (8 floats in a 256-bit register on AVX-512) becomes a full-width double vector (8 doubles in 512
 * bits), one {@code vcvtps2pd}. {@link #combine} keeps two such double accumulators in registers
 * and streams every input through them, 16 values at a time: no accumulator array, each input read
 * once, the output written once, as BLAS {@code sgemv} does. Products and sums are separate
 * operations, not fused, so the result has the bits of the scalar loop.
 */
final class VectorKernel {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = halfWidthFloats();
    private static final int L = D.length();

    private VectorKernel() {}

    /** A CPU without SIMD registers of at least 128 bits gains nothing from this. */
    static boolean usable() {
        return L >= 2 && F.length() == L;
    }

    static String describe() {
        return D.vectorBitSize() + "-bit double accumulators (" + L + " lanes)";
    }

    private static VectorSpecies<Float> halfWidthFloats() {
        int bits = D.vectorBitSize() / 2;
        return bits >= 64 ? FloatVector.SPECIES_64.withShape(VectorShape.forBitSize(bits)) : FloatVector.SPECIES_64;
    }

    static void axpy(double[] acc, double a, float[] x, int n) {
        DoubleVector av = DoubleVector.broadcast(D, a);
        int j = 0;
        for (int up = n - L; j <= up; j += L) {
            DoubleVector xv = (DoubleVector) FloatVector.fromArray(F, x, j).convertShape(VectorOperators.F2D, D, 0);
            DoubleVector.fromArray(D, acc, j).add(xv.mul(av)).intoArray(acc, j);
        }
        WeightedSum.scalarAxpy(acc, a, x, j, n);
    }

    static void combine(float[][] xs, double[] coef, float[] out, int from, int to) {
        int k = xs.length;
        int j = from;
        for (int up = to - 2 * L; j <= up; j += 2 * L) {
            DoubleVector s0 = DoubleVector.zero(D), s1 = DoubleVector.zero(D);
            for (int i = 0; i < k; i++) {
                float[] x = xs[i];
                DoubleVector a = DoubleVector.broadcast(D, coef[i]);
                s0 = s0.add(((DoubleVector) FloatVector.fromArray(F, x, j).convertShape(VectorOperators.F2D, D, 0)).mul(a));
                s1 = s1.add(((DoubleVector) FloatVector.fromArray(F, x, j + L).convertShape(VectorOperators.F2D, D, 0)).mul(a));
            }
            s0.convertShape(VectorOperators.D2F, F, 0).reinterpretAsFloats().intoArray(out, j);
            s1.convertShape(VectorOperators.D2F, F, 0).reinterpretAsFloats().intoArray(out, j + L);
        }
        for (; j < to; j++) {
            double s = 0;
            for (int i = 0; i < k; i++) s += coef[i] * xs[i][j];
            out[j] = (float) s;
        }
    }
}
