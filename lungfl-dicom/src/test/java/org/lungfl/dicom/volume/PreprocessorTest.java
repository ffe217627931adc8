package org.lungfl.dicom.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;

class PreprocessorTest {
    private static FederationPlan.Preprocess plan(double[] spacing, int[] shape) {
        return new FederationPlan.Preprocess(spacing, shape, new double[] {-1000, 400}, 0.25);
    }

    private static HuVolume volume(int d, int h, int w, double[] spacing, java.util.function.IntFunction<Float> voxel) {
        float[] data = new float[d * h * w];
        for (int i = 0; i < data.length; i++) data[i] = voxel.apply(i);
        return new HuVolume(d, h, w, data, spacing);
    }

    @Test
    void trilinearResamplingReproducesALinearRampAtEveryVoxel() {
        double[] src = {2.5, 0.7, 0.6};
        int d = 20, h = 50, w = 40;
        // HU = 3 z + 2 y - 1.5 x (mm), a function trilinear interpolation must reproduce exactly.
        HuVolume ramp = volume(d, h, w, src, i -> {
            int z = i / (h * w), y = (i / w) % h, x = i % w;
            return (float) (3 * z * src[0] + 2 * y * src[1] - 1.5 * x * src[2]);
        });
        double[] dst = {4.0, 1.7, 1.1};
        HuVolume out = new Preprocessor(plan(dst, new int[] {8, 8, 8})).resample(ramp);
        // Output grid starts on the first voxel and keeps exactly the plan spacing inside the source extent.
        assertThat(out.shape()).containsExactly((int) (19 * 2.5 / 4) + 1, (int) (49 * 0.7 / 1.7) + 1, (int) (39 * 0.6 / 1.1) + 1);
        assertThat(out.spacing()).containsExactly(dst);
        for (int z = 0; z < out.depth(); z++) {
            for (int y = 0; y < out.height(); y++) {
                for (int x = 0; x < out.width(); x++) {
                    double expected = 3 * z * dst[0] + 2 * y * dst[1] - 1.5 * x * dst[2];
                    assertThat((double) out.at(z, y, x)).as("voxel %d,%d,%d", z, y, x).isCloseTo(expected, within(1e-3));
                }
            }
        }
    }

    @Test
    void interpolatesBetweenNeighboursNotNearest() {
        HuVolume two = volume(2, 1, 2, new double[] {2, 1, 1}, i -> i < 2 ? 0f : 100f);
        HuVolume out = new Preprocessor(plan(new double[] {0.5, 1, 1}, new int[] {8, 8, 8})).resample(two);
        assertThat(out.depth()).isEqualTo(5);
        assertThat(new float[] {out.at(0, 0, 0), out.at(1, 0, 0), out.at(2, 0, 0), out.at(3, 0, 0), out.at(4, 0, 0)})
                .containsExactly(0f, 25f, 50f, 75f, 100f);
    }

    @Test
    void clipsToTheWindowScalesToUnitRangeAndSubtractsTheMean() {
        Preprocessor p = new Preprocessor(plan(new double[] {1, 1, 1}, new int[] {8, 8, 8}));
        assertThat(p.normalize(-3024)).isEqualTo(-0.25f);
        assertThat(p.normalize(-1000)).isEqualTo(-0.25f);
        assertThat(p.normalize(-300)).isCloseTo(0.25f, within(1e-6f));
        assertThat(p.normalize(400)).isEqualTo(0.75f);
        assertThat(p.normalize(3000)).isEqualTo(0.75f);
    }

    @Test
    void cropsAboutTheBodyCentreSoAnOffCentreBodyLandsInTheMiddle() {
        // Air everywhere, a soft-tissue ball (40 HU) of radius 5 centred at (z, y, x) = (20, 30, 50).
        int d = 40, h = 64, w = 80;
        HuVolume v = volume(d, h, w, new double[] {1, 1, 1}, i -> {
            int z = i / (h * w), y = (i / w) % h, x = i % w;
            double r2 = sq(z - 20) + sq(y - 30) + sq(x - 50);
            return r2 <= 25 ? 40f : -1000f;
        });
        Npy.Array out = new Preprocessor(plan(new double[] {1, 1, 1}, new int[] {16, 16, 16})).preprocess(v);
        assertThat(out.shape()).containsExactly(16, 16, 16);
        double[] c = centroidAbove(out, 0.3f);
        assertThat(c[0]).isCloseTo(8, within(1.0));
        assertThat(c[1]).isCloseTo(8, within(1.0));
        assertThat(c[2]).isCloseTo(8, within(1.0));
        float tissue = (40f + 1000f) / 1400f - 0.25f;
        assertThat(out.data()[(8 * 16 + 8) * 16 + 8]).isCloseTo(tissue, within(1e-6f));
    }

    @Test
    void theLargestComponentIsTheBodyNotTheTable() {
        // A big ball (the body) and a thin slab (the table) far from it.
        int d = 30, h = 60, w = 60;
        HuVolume v = volume(d, h, w, new double[] {1, 1, 1}, i -> {
            int z = i / (h * w), y = (i / w) % h, x = i % w;
            if (sq(z - 15) + sq(y - 20) + sq(x - 20) <= 64) return 0f;
            if (y == 55 && x > 5) return 200f; // slab: 30 x 54 voxels, fewer than the ball's ~2100
            return -1000f;
        });
        double[] c = BodyCentre.of(v);
        assertThat(c[0]).isCloseTo(15, within(0.01));
        assertThat(c[1]).isCloseTo(20, within(0.01));
        assertThat(c[2]).isCloseTo(20, within(0.01));
    }

    @Test
    void padsASmallVolumeWithNormalisedAirKeepingAllOfIt() {
        HuVolume small = volume(4, 6, 6, new double[] {1, 1, 1}, i -> 400f);
        Npy.Array out = new Preprocessor(plan(new double[] {1, 1, 1}, new int[] {8, 10, 12})).preprocess(small);
        int inside = 0, air = 0;
        for (float f : out.data()) {
            if (f == 0.75f) inside++;
            else if (f == -0.25f) air++;
        }
        assertThat(inside).isEqualTo(4 * 6 * 6);
        assertThat(air).isEqualTo(8 * 10 * 12 - 4 * 6 * 6);
        // Centred: 2 slices of padding before and after, 2 rows, 3 columns.
        assertThat(out.data()[(2 * 10 + 2) * 12 + 3]).isEqualTo(0.75f);
        assertThat(out.data()[(1 * 10 + 2) * 12 + 3]).isEqualTo(-0.25f);
        assertThat(out.data()[(5 * 10 + 7) * 12 + 8]).isEqualTo(0.75f);
        assertThat(out.data()[(5 * 10 + 7) * 12 + 9]).isEqualTo(-0.25f);
    }

    @Test
    void cropWindowNeverLeavesTheData() {
        assertThat(Preprocessor.cropStart(2, 100, 20)).isZero();
        assertThat(Preprocessor.cropStart(97, 100, 20)).isEqualTo(80);
        assertThat(Preprocessor.cropStart(50, 100, 20)).isEqualTo(40);
        assertThat(Preprocessor.cropStart(1, 10, 20)).isEqualTo(-9); // body centre lands at the output centre
        assertThat(Preprocessor.cropStart(5, 10, 20)).isEqualTo(-5);
        assertThat(Preprocessor.cropStart(-30, 10, 20)).isEqualTo(-10); // but all the data stays in
    }

    private static double sq(double v) {
        return v * v;
    }

    private static double[] centroidAbove(Npy.Array a, float threshold) {
        int[] s = a.shape();
        double[] sum = new double[3];
        int n = 0;
        for (int i = 0; i < a.data().length; i++) {
            if (a.data()[i] <= threshold) continue;
            sum[0] += i / (s[1] * s[2]);
            sum[1] += (i / s[2]) % s[1];
            sum[2] += i % s[2];
            n++;
        }
        assertThat(n).isPositive();
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }
}
