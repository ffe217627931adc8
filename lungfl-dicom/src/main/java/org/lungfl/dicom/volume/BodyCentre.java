package org.lungfl.dicom.volume;

/**
 * The centre of the patient's body in a CT volume: the centre of mass of the largest 6-connected
 * region above {@value #BODY_HU} HU. Soft tissue and bone are far above it, lung parenchyma
 * (about −850 HU) below it, but the lungs are enclosed by the chest wall, so the largest component
 * is the trunk; the scanner table and blankets form smaller, separate components. The largest
 * component is used rather than "the one at the image centre" because an off-centre patient (or an
 * air-filled lung at the centre) makes the image centre a poor seed.
 *
 * <p>Components are found on runs, not voxels: each image row's stretches above the threshold are
 * joined (union-find) with the overlapping stretches of the row above and of the same row in the
 * slice before. A chest has a few runs per row, so this touches each voxel once, for one
 * comparison, and needs memory for the runs rather than two ints per voxel. Of equally large
 * components the one reached first in raster order wins, as a flood fill from each unvisited
 * voxel in turn would choose.
 */
final class BodyCentre {
    static final float BODY_HU = -500f;

    private BodyCentre() {}

    /** (z, y, x) voxel coordinates; the volume centre when nothing is above the threshold. */
    static double[] of(HuVolume v) {
        int d = v.depth(), h = v.height(), w = v.width();
        Runs runs = Runs.of(v.data(), d * h, w);
        int n = runs.count;
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                int row = z * h + y;
                if (y > 0) joinOverlapping(runs, row, row - 1, parent);
                if (z > 0) joinOverlapping(runs, row, row - h, parent);
            }
        }
        // Sums per component root; the root is the component's first run in raster order (joins keep the smaller index).
        long[] size = new long[n], sz = new long[n], sy = new long[n], sx = new long[n];
        for (int r = 0; r < n; r++) {
            int root = find(parent, r);
            int row = runs.row[r], x0 = runs.start[r], x1 = runs.end[r];
            long len = x1 - x0;
            size[root] += len;
            sz[root] += len * (row / h);
            sy[root] += len * (row % h);
            sx[root] += ((long) x0 + x1 - 1) * len / 2;
        }
        int best = -1;
        for (int r = 0; r < n; r++) {
            if (parent[r] == r && (best < 0 || size[r] > size[best])) best = r;
        }
        if (best < 0) return new double[] {(d - 1) / 2.0, (h - 1) / 2.0, (w - 1) / 2.0};
        double count = size[best];
        return new double[] {sz[best] / count, sy[best] / count, sx[best] / count};
    }

    /** Unions every run of {@code row} with the runs of {@code other} it shares a column with. */
    private static void joinOverlapping(Runs runs, int row, int other, int[] parent) {
        int a = runs.first[row], aEnd = runs.first[row + 1];
        int b = runs.first[other], bEnd = runs.first[other + 1];
        while (a < aEnd && b < bEnd) {
            if (runs.start[a] < runs.end[b] && runs.start[b] < runs.end[a]) union(parent, a, b);
            // Advance whichever run ends first; the other may still overlap the next one.
            if (runs.end[a] < runs.end[b]) a++;
            else b++;
        }
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra < rb) parent[rb] = ra;
        else if (rb < ra) parent[ra] = rb;
    }

    /** Maximal stretches above the threshold, row by row: run i covers [start, end) of row {@code row[i]}. */
    private static final class Runs {
        int count;
        int[] start = new int[1024], end = new int[1024], row = new int[1024];
        /** Runs of row r are [first[r], first[r + 1]). */
        int[] first;

        static Runs of(float[] hu, int rows, int width) {
            Runs s = new Runs();
            s.first = new int[rows + 1];
            for (int r = 0; r < rows; r++) {
                s.first[r] = s.count;
                int base = r * width;
                int x = 0;
                while (x < width) {
                    while (x < width && !(hu[base + x] > BODY_HU)) x++;
                    if (x == width) break;
                    int x0 = x;
                    while (x < width && hu[base + x] > BODY_HU) x++;
                    s.add(r, x0, x);
                }
            }
            s.first[rows] = s.count;
            return s;
        }

        private void add(int r, int x0, int x1) {
            if (count == start.length) {
                int grown = count * 2;
                start = java.util.Arrays.copyOf(start, grown);
                end = java.util.Arrays.copyOf(end, grown);
                row = java.util.Arrays.copyOf(row, grown);
            }
            start[count] = x0;
            end[count] = x1;
            row[count++] = r;
        }
    }
}
