package org.lungfl.dicom.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BodyCentreTest {
    /** The definition, voxel by voxel: a flood fill from each unvisited voxel above the threshold in raster order. */
    private static double[] floodFill(HuVolume v) {
        int d = v.depth(), h = v.height(), w = v.width(), plane = h * w;
        float[] hu = v.data();
        int[] label = new int[hu.length], queue = new int[hu.length];
        int best = 0, next = 0;
        double[] centre = {(d - 1) / 2.0, (h - 1) / 2.0, (w - 1) / 2.0};
        for (int seed = 0; seed < hu.length; seed++) {
            if (label[seed] != 0 || !(hu[seed] > BodyCentre.BODY_HU)) continue;
            next++;
            int head = 0, tail = 0;
            queue[tail++] = seed;
            label[seed] = next;
            double sz = 0, sy = 0, sx = 0;
            while (head < tail) {
                int i = queue[head++];
                int z = i / plane, y = i % plane / w, x = i % w;
                sz += z;
                sy += y;
                sx += x;
                int[] nb = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1, z > 0 ? i - plane : -1,
                    z < d - 1 ? i + plane : -1};
                for (int j : nb) {
                    if (j >= 0 && label[j] == 0 && hu[j] > BodyCentre.BODY_HU) {
                        label[j] = next;
                        queue[tail++] = j;
                    }
                }
            }
            if (tail > best) {
                best = tail;
                centre = new double[] {sz / tail, sy / tail, sx / tail};
            }
        }
        return centre;
    }

    @Test
    void findsTheSameComponentAndCentreAsAFloodFill() {
        Random r = new Random(18);
        for (int trial = 0; trial < 300; trial++) {
            int d = 1 + r.nextInt(6), h = 1 + r.nextInt(12), w = 1 + r.nextInt(12);
            float[] hu = new float[d * h * w];
            double density = r.nextDouble();
            for (int i = 0; i < hu.length; i++) hu[i] = r.nextDouble() < density ? 40f : -850f;
            if (trial % 5 == 0) hu[r.nextInt(hu.length)] = Float.NaN; // never above the threshold
            HuVolume v = new HuVolume(d, h, w, hu, new double[] {1, 1, 1});
            assertThat(BodyCentre.of(v)).as("trial %d, %dx%dx%d", trial, d, h, w).containsExactly(floodFill(v));
        }
    }

    @Test
    void ofTwoEqualComponentsTheFirstInRasterOrderWins() {
        // Two 2x2x2 cubes, the second one earlier in x on a later row: the first voxel decides.
        float[] hu = new float[4 * 6 * 6];
        java.util.Arrays.fill(hu, -1000f);
        HuVolume v = new HuVolume(4, 6, 6, hu, new double[] {1, 1, 1});
        for (int z = 0; z < 2; z++) for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) hu[(z * 6 + y + 1) * 6 + x + 4] = 40f;
        for (int z = 2; z < 4; z++) for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) hu[(z * 6 + y + 3) * 6 + x] = 40f;
        assertThat(BodyCentre.of(v)).containsExactly(0.5, 1.5, 4.5).containsExactly(floodFill(v));
    }

    @Test
    void aVolumeOfAirHasItsCentreAsTheBodyCentre() {
        float[] hu = new float[3 * 4 * 5];
        java.util.Arrays.fill(hu, -1000f);
        assertThat(BodyCentre.of(new HuVolume(3, 4, 5, hu, new double[] {1, 1, 1}))).containsExactly(1.0, 1.5, 2.0);
    }
}
