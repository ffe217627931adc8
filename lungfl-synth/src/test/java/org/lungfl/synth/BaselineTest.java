package org.lungfl.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BaselineTest {
    static final double[] DEMO_SPACING = {8, 5, 5};

    /** A 32×64×64 demo-plan volume: air outside, a soft-tissue body, and a lung box inside it. */
    static float[] chest() {
        float[] v = new float[32 * 64 * 64];
        Arrays.fill(v, -1000f);
        for (int z = 2; z < 30; z++) {
            for (int y = 8; y < 56; y++) {
                for (int x = 6; x < 58; x++) v[(z * 64 + y) * 64 + x] = (y < 14 || y > 49 || x < 12 || x > 51) ? 40f : -850f;
            }
        }
        return v;
    }

    static void ball(float[] v, int cz, int cy, int cx, double radiusVoxels, float hu) {
        for (int z = 0; z < 32; z++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    double dz = (z - cz) * 8 / 5.0, dy = y - cy, dx = x - cx;
                    if (dz * dz + dy * dy + dx * dx <= radiusVoxels * radiusVoxels) v[(z * 64 + y) * 64 + x] = hu;
                }
            }
        }
    }

    @Test
    void emptyLungsScoreZeroAndANoduleScoresItsCore() {
        float[] v = chest();
        assertThat(DenseBlobBaseline.largestDenseBlobMl(v, 32, 64, 64, DEMO_SPACING)).isZero();
        ball(v, 16, 30, 30, 3, 30f); // a 30 mm nodule
        double big = DenseBlobBaseline.largestDenseBlobMl(v, 32, 64, 64, DEMO_SPACING);
        assertThat(big).isGreaterThan(0.5);
        float[] w = chest();
        ball(w, 16, 30, 30, 1.6, 30f); // a 16 mm nodule: a smaller core
        double small = DenseBlobBaseline.largestDenseBlobMl(w, 32, 64, 64, DEMO_SPACING);
        assertThat(small).isGreaterThan(0).isLessThan(big);
    }

    @Test
    void theChestWallAndAThinVesselDoNotCount() {
        float[] v = chest();
        // A dense slab in the wall (a rib) and a one-voxel vessel running along z through the lung.
        for (int z = 5; z < 25; z++) {
            for (int x = 6; x < 12; x++) v[(z * 64 + 30) * 64 + x] = 800f;
            v[(z * 64 + 40) * 64 + 40] = 40f;
        }
        assertThat(DenseBlobBaseline.largestDenseBlobMl(v, 32, 64, 64, DEMO_SPACING)).isZero();
    }

    @Test
    void aucCountsOrderedPairsAndHalfTies() {
        assertThat(RocAuc.of(new double[] {0.9, 0.8, 0.1, 0.2}, new boolean[] {true, true, false, false})).isEqualTo(1.0);
        assertThat(RocAuc.of(new double[] {0.1, 0.2, 0.9, 0.8}, new boolean[] {true, true, false, false})).isEqualTo(0.0);
        assertThat(RocAuc.of(new double[] {0.5, 0.5, 0.5}, new boolean[] {true, false, false})).isEqualTo(0.5);
        assertThat(RocAuc.of(new double[] {3, 1, 2}, new boolean[] {true, false, true})).isCloseTo(1.0, within(1e-12));
        assertThat(RocAuc.of(new double[] {1, 2}, new boolean[] {true, true})).isNaN();
    }
}
