package org.lungfl.dicom.candidates;

import java.util.Arrays;

/**
 * 6-connected components of a binary volume (byte 1 = set). Each row's runs of set voxels are
 * joined (union-find) to the runs they overlap in the row above and in the same row of the slice
 * before: a few thousand runs instead of a breadth-first search over a million voxels.
 */
final class Components {
    private Components() {}

    /** Clears everything but the largest component (of equal ones, the first in raster order). */
    static void keepLargest(byte[] m, int d, int h, int w) {
        Runs runs = Runs.of(m, d, h, w);
        long[] size = runs.componentSizes();
        int best = -1;
        for (int r = 0; r < runs.count; r++) {
            if (runs.parent[r] == r && (best < 0 || size[r] > size[best])) best = r;
        }
        for (int r = 0; r < runs.count; r++) if (runs.find(r) != best) runs.clear(m, r);
    }

    /** Clears every component of fewer than {@code minVoxels} voxels. */
    static void dropSmallerThan(byte[] m, int d, int h, int w, int minVoxels) {
        Runs runs = Runs.of(m, d, h, w);
        long[] size = runs.componentSizes();
        for (int r = 0; r < runs.count; r++) if (size[runs.find(r)] < minVoxels) runs.clear(m, r);
    }

    /** Runs of set voxels in raster order, each linked to its component's first run. */
    private static final class Runs {
        int count;
        int[] start = new int[1024], end = new int[1024], parent = new int[1024];

        static Runs of(byte[] m, int d, int h, int w) {
            Runs runs = new Runs();
            int rows = d * h;
            // firstRun[row]..firstRun[row + 1] − 1 are the runs of row (z·h + y)
            int[] firstRun = new int[rows + 1];
            for (int row = 0; row < rows; row++) {
                firstRun[row] = runs.count;
                int base = row * w;
                for (int x = 0; x < w; x++) {
                    if (m[base + x] != 1) continue;
                    int s = x;
                    while (x < w && m[base + x] == 1) x++;
                    runs.add(base + s, base + x);
                }
                int y = row % h;
                if (y > 0) runs.join(firstRun[row - 1], firstRun[row], firstRun[row], runs.count, w);
                if (row >= h) runs.join(firstRun[row - h], firstRun[row - h + 1], firstRun[row], runs.count, h * w);
            }
            firstRun[rows] = runs.count;
            return runs;
        }

        private void add(int s, int e) {
            if (count == start.length) {
                start = Arrays.copyOf(start, count * 2);
                end = Arrays.copyOf(end, count * 2);
                parent = Arrays.copyOf(parent, count * 2);
            }
            start[count] = s;
            end[count] = e;
            parent[count] = count;
            count++;
        }

        /** Unites the runs [a0, a1) of an earlier row with the overlapping runs [b0, b1), {@code shift} voxels later. */
        private void join(int a0, int a1, int b0, int b1, int shift) {
            int a = a0, b = b0;
            while (a < a1 && b < b1) {
                int as = start[a] + shift, ae = end[a] + shift;
                if (as < end[b] && start[b] < ae) union(a, b);
                if (ae < end[b]) a++;
                else b++;
            }
        }

        int find(int r) {
            int root = r;
            while (parent[root] != root) root = parent[root];
            while (parent[r] != root) {
                int next = parent[r];
                parent[r] = root;
                r = next;
            }
            return root;
        }

        /** The earlier run stays the root, so a component's root is its first run in raster order. */
        private void union(int a, int b) {
            int ra = find(a), rb = find(b);
            if (ra < rb) parent[rb] = ra;
            else if (rb < ra) parent[ra] = rb;
        }

        /** Voxels per component, indexed by root run. */
        long[] componentSizes() {
            long[] size = new long[count];
            for (int r = 0; r < count; r++) size[find(r)] += end[r] - start[r];
            return size;
        }

        void clear(byte[] m, int r) {
            Arrays.fill(m, start[r], end[r], (byte) 0);
        }
    }
}
