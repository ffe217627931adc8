package org.lungfl.dicom.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Connected components from runs, against a voxel-by-voxel flood fill. */
class ComponentsTest {

    /** Component labels 1..n by breadth-first search from each unlabelled set voxel in raster order; sizes[label − 1]. */
    static int[] flood(byte[] m, int d, int h, int w, int[] label) {
        int[] sizes = new int[m.length];
        int n = 0;
        for (int seed = 0; seed < m.length; seed++) {
            if (m[seed] != 1 || label[seed] != 0) continue;
            int id = ++n;
            ArrayDeque<Integer> q = new ArrayDeque<>();
            q.add(seed);
            label[seed] = id;
            while (!q.isEmpty()) {
                int i = q.poll();
                sizes[id - 1]++;
                int z = i / (h * w), y = i / w % h, x = i % w;
                int[][] steps = {{-1, 0, 0}, {1, 0, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, -1}, {0, 0, 1}};
                for (int[] s : steps) {
                    int zz = z + s[0], yy = y + s[1], xx = x + s[2];
                    if (zz < 0 || zz >= d || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                    int j = (zz * h + yy) * w + xx;
                    if (m[j] == 1 && label[j] == 0) {
                        label[j] = id;
                        q.add(j);
                    }
                }
            }
        }
        return java.util.Arrays.copyOf(sizes, n);
    }

    static byte[] random(Random r, int n) {
        byte[] m = new byte[n];
        int percent = 20 + r.nextInt(60);
        for (int i = 0; i < n; i++) m[i] = (byte) (r.nextInt(100) < percent ? 1 : 0);
        return m;
    }

    @Property(tries = 200, seed = "5")
    void keepLargestAndDropSmallerThanAgreeWithAFloodFill(@ForAll @IntRange(min = 1, max = 7) int d, @ForAll @IntRange(min = 1, max = 8) int h,
            @ForAll @IntRange(min = 1, max = 9) int w, @ForAll @IntRange(min = 0, max = 100000) int seed) {
        Random r = new Random(seed);
        byte[] m = random(r, d * h * w);
        int[] label = new int[m.length];
        int[] sizes = flood(m, d, h, w, label);

        byte[] largest = m.clone();
        Components.keepLargest(largest, d, h, w);
        int best = 0;
        for (int i = 1; i < sizes.length; i++) if (sizes[i] > sizes[best]) best = i;
        for (int i = 0; i < m.length; i++) {
            assertThat(largest[i]).as("voxel %d", i).isEqualTo((byte) (m[i] == 1 && label[i] == best + 1 ? 1 : 0));
        }

        int min = 1 + r.nextInt(6);
        byte[] kept = m.clone();
        Components.dropSmallerThan(kept, d, h, w, min);
        for (int i = 0; i < m.length; i++) {
            assertThat(kept[i]).as("voxel %d", i).isEqualTo((byte) (m[i] == 1 && sizes[label[i] - 1] >= min ? 1 : 0));
        }
    }

    @Test
    void aUJoinedOnlyAtItsBottomIsOneComponentAndDiagonalNeighboursAreNot() {
        // A U that joins only at its bottom, seen row by row: its arms are separate runs until the last row.
        int h = 4, w = 5;
        byte[] u = {
            1, 0, 0, 0, 1,
            1, 0, 0, 0, 1,
            1, 0, 1, 0, 1,
            1, 1, 1, 1, 1};
        byte[] m = u.clone();
        m[2 * w + 2] = 1;
        Components.dropSmallerThan(m, 1, h, w, 12);
        assertThat(m).containsExactly(u);
        byte[] diagonal = {1, 0, 0, 1};
        Components.keepLargest(diagonal, 1, 2, 2);
        assertThat(diagonal).containsExactly(1, 0, 0, 0);
    }
}
