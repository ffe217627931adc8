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

    /** The closing against its definition on the unbounded plane, pixel by pixel. */
    @Property(tries = 80, seed = "11")
    void closingIsTheDilationThenErosionByTheDisc(@ForAll @IntRange(min = 1, max = 23) int h, @ForAll @IntRange(min = 1, max = 23) int w,
            @ForAll @IntRange(min = 0, max = 1000) int seed) {
        Random r = new Random(seed);
        double radius = seed % 9 == 0 ? 1 + r.nextInt(5) : 0.5 + 5.5 * r.nextDouble(); // whole radii too: discs with pixels exactly on the rim
        int density = 1 + r.nextInt(4);
        byte[] m = new byte[h * w];
        for (int i = 0; i < m.length; i++) m[i] = (byte) (r.nextInt(density + 1) == 0 ? 0 : r.nextInt(2));
        byte[] closed = m.clone();
        Slices.close(closed, 0, h, w, radius);
        int reach = (int) Math.ceil(radius) + 1;
        double r2 = radius * radius;
        // dilated(y, x) on a grid wide enough that nothing beyond it can be dilated
        int gh = h + 4 * reach, gw = w + 4 * reach, o = 2 * reach;
        boolean[] dilated = new boolean[gh * gw];
        for (int y = 0; y < gh; y++) {
            for (int x = 0; x < gw; x++) {
                for (int i = 0; i < m.length && !dilated[y * gw + x]; i++) {
                    int dy = i / w + o - y, dx = i % w + o - x;
                    dilated[y * gw + x] = m[i] == 1 && dy * dy + dx * dx <= r2;
                }
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean kept = true;
                for (int dy = -reach; dy <= reach && kept; dy++) {
                    for (int dx = -reach; dx <= reach && kept; dx++) {
                        if (dy * dy + dx * dx <= r2) kept = dilated[(y + o + dy) * gw + x + o + dx];
                    }
                }
                assertThat(closed[y * w + x]).as("(%d, %d), radius %s", y, x, radius).isEqualTo((byte) (kept ? 1 : 0));
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
