package org.lungfl.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WeightedSumTest {
    @BeforeAll
    static void compileTheVectorKernel() {
        WeightedSum.warmUp(); // until then calls take the scalar path, which the tests call directly too
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
        return v;
    }

    private static double[] shares(Random r, int k) {
        double[] c = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) sum += c[i] = 1 + r.nextInt(500);
        for (int i = 0; i < k; i++) c[i] /= sum;
        return c;
    }

    /** The reference: the plain loop every code path must match bit for bit. */
    private static float[] plainLoop(float[][] xs, double[] coef, int n) {
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < xs.length; i++) s += coef[i] * xs[i][j];
            out[j] = (float) s;
        }
        return out;
    }

    @Test
    void theTestsRunTheVectorKernelAsTheServerDoes() {
        // surefire adds jdk.incubator.vector (root pom), and the warm-up must see C2's code: without
        // either, every other test here checks only the fallback
        assertThat(WeightedSum.vectorised()).as(WeightedSum.describe()).isTrue();
    }

    @Test
    void everyPathGivesThePlainLoopsBits() {
        Random r = new Random(7);
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 33, 1000, WeightedSum.TILE + 5}) {
            for (int k : new int[] {1, 2, 3, 10, 11}) {
                float[][] xs = new float[k][];
                for (int i = 0; i < k; i++) xs[i] = random(r, n + 3); // longer than n: only [0, n) counts
                double[] coef = shares(r, k);
                coef[0] = -coef[0]; // a base version's negative coefficient
                float[] expected = plainLoop(xs, coef, n);

                float[] vector = new float[n + 3];
                vector[n] = 42f;
                WeightedSum.combine(xs, coef, vector, n);
                assertThat(Arrays.mismatch(Arrays.copyOf(vector, n), expected)).as("vector n=%d k=%d", n, k).isEqualTo(-1);
                assertThat(vector[n]).as("nothing written past n").isEqualTo(42f);

                float[] scalar = new float[n];
                WeightedSum.scalarCombine(xs, coef, scalar, 0, n);
                assertThat(Arrays.mismatch(scalar, expected)).as("scalar n=%d k=%d", n, k).isEqualTo(-1);
            }
        }
    }

    @Test
    void bothCoresGiveTheSameBitsAsOne() {
        Random r = new Random(11);
        int n = 3 * WeightedSum.MIN_VALUES_PER_THREAD + 37;
        float[][] xs = new float[10][];
        for (int i = 0; i < xs.length; i++) xs[i] = random(r, n);
        double[] coef = shares(r, xs.length);
        float[] all = new float[n];
        WeightedSum.combineOnAllCores(xs, coef, all);
        // the first differing index, not a diff of 200 000 values
        assertThat(Arrays.mismatch(all, plainLoop(xs, coef, n))).isEqualTo(-1);
    }

    @Test
    void axpyMatchesItsScalarLoop() {
        Random r = new Random(5);
        for (int n : new int[] {0, 1, 9, 16, 4099}) {
            float[] x = random(r, n);
            double[] acc = new double[n], plain = new double[n];
            for (int j = 0; j < n; j++) acc[j] = plain[j] = r.nextGaussian();
            WeightedSum.axpy(acc, 0.37, x, n);
            WeightedSum.scalarAxpy(plain, 0.37, x, 0, n);
            assertThat(acc).containsExactly(plain);
        }
    }

    @Test
    void accumulatesInDoubleSoFiniteInputsNearTheFloatLimitStayFinite() {
        float max = Float.MAX_VALUE;
        float[][] xs = new float[3][20];
        for (int j = 0; j < 20; j++) {
            xs[0][j] = max;
            xs[1][j] = max;
            xs[2][j] = -max;
        }
        float[] out = new float[20];
        // a float accumulator overflows at max + max, before the third input brings it back
        WeightedSum.combine(xs, new double[] {1, 1, 1}, out, 20);
        assertThat(out).containsOnly(max);
        WeightedSum.combineOnAllCores(xs, new double[] {1, 1, -1}, out);
        assertThat(out).as("a sum beyond float range is infinite: the server refuses to publish it").containsOnly(Float.POSITIVE_INFINITY);
    }

    @Test
    void refusesMismatchedShapes() {
        float[][] xs = {new float[4], new float[3]};
        assertThatThrownBy(() -> WeightedSum.combine(xs, new double[] {1, 1}, new float[4], 4)).hasMessageContaining("input shorter than 4");
        assertThatThrownBy(() -> WeightedSum.combine(xs, new double[] {1}, new float[4], 3)).hasMessageContaining("2 inputs for 1");
    }
}
