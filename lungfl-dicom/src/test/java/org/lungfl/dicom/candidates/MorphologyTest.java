package org.lungfl.dicom.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The image operations under the detector, each against a direct computation. */
class MorphologyTest {

    @Property(tries = 60, seed = "11")
    void distanceTransformIsExactAgainstBruteForce(@ForAll @IntRange(min = 1, max = 23) int h, @ForAll @IntRange(min = 1, max = 23) int w,
            @ForAll @IntRange(min = 0, max = 1000) int seed) {
        Random r = new Random(seed);
        float[] f = new float[h * w];
        boolean any = false;
        for (int i = 0; i < f.length; i++) {
            boolean zero = r.nextInt(7) == 0;
            any |= zero;
            f[i] = zero ? 0 : 1e20f;
        }
        if (!any) f[r.nextInt(f.length)] = 0;
        float[] in = f.clone();
        Slices.squaredDistance(f, h, w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double best = Double.MAX_VALUE;
                for (int j = 0; j < f.length; j++) {
                    if (in[j] != 0) continue;
                    int dy = j / w - y, dx = j % w - x;
                    best = Math.min(best, dy * dy + dx * dx);
                }
                assertThat((double) f[y * w + x]).as("(%d, %d)", y, x).isEqualTo(best);
            }
        }
    }

    @Test
    void closingFillsANotchNarrowerThanTheDiscButKeepsTheOutline() {
        int h = 40, w = 40;
        byte[] m = new byte[h * w];
        for (int y = 5; y < 35; y++) for (int x = 5; x < 35; x++) m[y * w + x] = 1;
        // A notch 4 pixels wide and 6 deep into the right side, like a nodule on the pleura.
        for (int y = 18; y < 22; y++) for (int x = 29; x < 35; x++) m[y * w + x] = 0;
        Slices.close(m, 0, h, w, 4);
        assertThat(m[20 * w + 31]).as("the notch is closed").isEqualTo((byte) 1);
        assertThat(m[20 * w + 36]).as("nothing grows outside").isEqualTo((byte) 0);
        assertThat(m[2 * w + 2]).isEqualTo((byte) 0);
        assertThat(m[10 * w + 10]).isEqualTo((byte) 1);
    }

    @Test
    void holesAreFilledOnlyWhereEnclosed() {
        int h = 20, w = 20;
        byte[] m = new byte[h * w];
        for (int y = 2; y < 18; y++) for (int x = 2; x < 18; x++) m[y * w + x] = (byte) (y == 2 || y == 17 || x == 2 || x == 17 ? 1 : 0);
        m[10 * w + 17] = 0; // a gap: the inside leaks out and stays empty
        byte[] open = m.clone();
        Slices.fillHoles(open, 0, h, w);
        assertThat(open[10 * w + 10]).isEqualTo((byte) 0);
        m[10 * w + 17] = 1;
        Slices.fillHoles(m, 0, h, w);
        assertThat(m[10 * w + 10]).isEqualTo((byte) 1);
        assertThat(m[0]).isEqualTo((byte) 0);
    }

    @Property(tries = 200, seed = "7")
    void eigenvaluesSolveTheCharacteristicEquation(@ForAll @IntRange(min = 0, max = 100000) int seed) {
        Random r = new Random(seed);
        double a = r.nextGaussian(), b = r.nextGaussian(), c = r.nextGaussian(), d = r.nextGaussian(), e = r.nextGaussian(), f = r.nextGaussian();
        if (seed % 5 == 0) b = c = e = 0; // diagonal
        double[] ev = Hessian.symmetricEigenvalues(a, b, c, d, e, f);
        assertThat(ev[0]).isLessThanOrEqualTo(ev[1] + 1e-12);
        assertThat(ev[1]).isLessThanOrEqualTo(ev[2] + 1e-12);
        assertThat(ev[0] + ev[1] + ev[2]).isCloseTo(a + d + f, within(1e-9));
        for (double l : ev) {
            // det(A − λI) = 0
            double det = (a - l) * ((d - l) * (f - l) - e * e) - b * (b * (f - l) - e * c) + c * (b * e - (d - l) * c);
            assertThat(det).isCloseTo(0, within(1e-7 * (1 + Math.abs(a) + Math.abs(d) + Math.abs(f)) * 10));
        }
    }

    @Test
    void gaussianKernelSumsToOneAndSmoothingKeepsAConstant() {
        for (double s : new double[] {0.7, 1, 2.5, 4}) {
            float sum = 0;
            for (float k : Gaussian.kernel(s)) sum += k;
            assertThat(sum).isCloseTo(1f, within(1e-5f));
        }
        float[] v = new float[5 * 6 * 7];
        java.util.Arrays.fill(v, -850f);
        for (float x : Gaussian.smooth(v, 5, 6, 7, 2.0)) assertThat(x).isCloseTo(-850f, within(1e-2f));
    }
}
