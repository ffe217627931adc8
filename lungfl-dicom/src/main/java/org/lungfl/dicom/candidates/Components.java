package org.lungfl.dicom.candidates;

/** 6-connected components of a binary volume (byte 1 = set), labelled by breadth-first search. */
final class Components {
    private Components() {}

    /** Clears everything but the largest component. */
    static void keepLargest(byte[] m, int d, int h, int w) {
        int[] label = new int[m.length];
        int[] sizes = label(m, label, d, h, w);
        int best = 0;
        for (int i = 1; i < sizes.length; i++) if (sizes[i] > sizes[best]) best = i;
        for (int i = 0; i < m.length; i++) m[i] = (byte) (m[i] == 1 && label[i] == best + 1 ? 1 : 0);
    }

    /** Clears every component of fewer than {@code minVoxels} voxels. */
    static void dropSmallerThan(byte[] m, int d, int h, int w, int minVoxels) {
        int[] label = new int[m.length];
        int[] sizes = label(m, label, d, h, w);
        for (int i = 0; i < m.length; i++) if (m[i] == 1 && sizes[label[i] - 1] < minVoxels) m[i] = 0;
    }

    /** Labels 1..n into {@code label}; returns the size of each component (index = label − 1). */
    private static int[] label(byte[] m, int[] label, int d, int h, int w) {
        int plane = h * w;
        int[] queue = new int[m.length];
        int[] sizes = new int[16];
        int n = 0;
        for (int seed = 0; seed < m.length; seed++) {
            if (m[seed] != 1 || label[seed] != 0) continue;
            if (n == sizes.length) sizes = java.util.Arrays.copyOf(sizes, n * 2);
            int id = ++n;
            int head = 0, tail = 0;
            queue[tail++] = seed;
            label[seed] = id;
            while (head < tail) {
                int i = queue[head++];
                int z = i / plane, r = i - z * plane, y = r / w, x = r - y * w;
                if (x > 0) tail = visit(i - 1, m, label, queue, tail, id);
                if (x < w - 1) tail = visit(i + 1, m, label, queue, tail, id);
                if (y > 0) tail = visit(i - w, m, label, queue, tail, id);
                if (y < h - 1) tail = visit(i + w, m, label, queue, tail, id);
                if (z > 0) tail = visit(i - plane, m, label, queue, tail, id);
                if (z < d - 1) tail = visit(i + plane, m, label, queue, tail, id);
            }
            sizes[id - 1] = tail;
        }
        return java.util.Arrays.copyOf(sizes, n);
    }

    private static int visit(int i, byte[] m, int[] label, int[] queue, int tail, int id) {
        if (m[i] == 1 && label[i] == 0) {
            label[i] = id;
            queue[tail++] = i;
        }
        return tail;
    }
}
