package org.lungfl.dicom.candidates;

import java.util.Arrays;

/** Binary morphology on one axial slice ({@code h × w} bytes at {@code offset}; 1 = set). */
final class Slices {
    private Slices() {}

    /** Sets every background pixel not 4-connected to the slice's border: what the outline encloses. */
    static void fillHoles(byte[] m, int offset, int h, int w) {
        byte[] outside = new byte[h * w];
        int[] queue = new int[h * w];
        int tail = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((y == 0 || y == h - 1 || x == 0 || x == w - 1) && m[offset + y * w + x] == 0) {
                    outside[y * w + x] = 1;
                    queue[tail++] = y * w + x;
                }
            }
        }
        for (int head = 0; head < tail; head++) {
            int i = queue[head], y = i / w, x = i - y * w;
            if (x > 0) tail = flood(i - 1, m, offset, outside, queue, tail);
            if (x < w - 1) tail = flood(i + 1, m, offset, outside, queue, tail);
            if (y > 0) tail = flood(i - w, m, offset, outside, queue, tail);
            if (y < h - 1) tail = flood(i + w, m, offset, outside, queue, tail);
        }
        for (int i = 0; i < h * w; i++) if (outside[i] == 0) m[offset + i] = 1;
    }

    private static int flood(int i, byte[] m, int offset, byte[] outside, int[] queue, int tail) {
        if (outside[i] == 0 && m[offset + i] == 0) {
            outside[i] = 1;
            queue[tail++] = i;
        }
        return tail;
    }

    /**
     * Morphological closing with a disc of {@code radius} pixels ({@code dy² + dx² ≤ radius²}) on the
     * unbounded plane, kept within the slice. The disc is a stack of row segments, half-width
     * {@code a(dy) = ⌊√(radius² − dy²)⌋} at row offset dy: a pixel is in the dilation when some row
     * dy away has a set pixel within a(dy) of its column, and stays in the erosion of that when no
     * row dy away has an unset pixel within a(dy). With each row's distance to its nearest set (or
     * unset) pixel known, both are a minimum over the 2⌊radius⌋ + 1 rows of whole-row differences,
     * which the JIT vectorises. A closing never leaves the bounding box of what is set, so only that
     * box, widened by the radius, is worked on.
     */
    static void close(byte[] m, int offset, int h, int w, double radius) {
        if (radius <= 0) return;
        int y0 = h, y1 = -1, x0 = w, x1 = -1;
        for (int y = 0; y < h; y++) {
            int row = offset + y * w;
            for (int x = 0; x < w; x++) {
                if (m[row + x] == 0) continue;
                y0 = Math.min(y0, y);
                y1 = y;
                x0 = Math.min(x0, x);
                x1 = Math.max(x1, x);
            }
        }
        if (y1 < 0) return;
        int reach = (int) Math.floor(radius);
        int[] half = halfWidths(radius, reach);
        int far = reach + 1;
        // The grid: the box widened by the reach, beyond which the dilation is empty.
        int gy0 = y0 - reach, gx0 = x0 - reach, gh = y1 - y0 + 1 + 2 * reach, gw = x1 - x0 + 1 + 2 * reach;
        int[][] toSet = new int[gh][];
        for (int gy = 0; gy < gh; gy++) {
            int y = gy0 + gy;
            int[] d = new int[gw];
            if (y < y0 || y > y1) {
                Arrays.fill(d, far);
            } else {
                int row = offset + y * w;
                for (int gx = 0; gx < gw; gx++) {
                    int x = gx0 + gx;
                    d[gx] = x >= 0 && x < w && m[row + x] != 0 ? 0 : far;
                }
                rowDistance(d, far);
            }
            toSet[gy] = d;
        }
        // dilated: some row of the disc has a set pixel within its half-width
        int[][] toUnset = new int[gh][];
        int[] acc = new int[gw];
        for (int gy = 0; gy < gh; gy++) {
            disc(toSet, gy, half, reach, acc);
            int[] d = new int[gw];
            for (int gx = 0; gx < gw; gx++) d[gx] = acc[gx] < 0 ? far : 0;
            // Beyond the grid nothing is dilated either, but from inside the box that is farther than the reach.
            rowDistance(d, far);
            toUnset[gy] = d;
        }
        // closed: no row of the disc has an undilated pixel within its half-width (inside the box)
        for (int y = y0; y <= y1; y++) {
            disc(toUnset, y - gy0, half, reach, acc);
            int row = offset + y * w;
            for (int x = x0; x <= x1; x++) m[row + x] = (byte) (acc[x - gx0] >= 0 ? 1 : 0);
        }
    }

    /** {@code half[dy]}: the largest a with a² + dy² ≤ radius², for dy = 0..reach. */
    private static int[] halfWidths(double radius, int reach) {
        double r2 = radius * radius;
        int[] half = new int[reach + 1];
        for (int dy = 0; dy <= reach; dy++) {
            int a = (int) Math.sqrt(Math.max(0, r2 - (double) dy * dy));
            while ((double) (a + 1) * (a + 1) + (double) dy * dy <= r2) a++;
            while (a > 0 && (double) a * a + (double) dy * dy > r2) a--;
            half[dy] = a;
        }
        return half;
    }

    /**
     * Whether some row dy in [−reach, reach] away (within the grid) has {@code rows[y + dy][x] ≤
     * half[|dy|]}: then {@code acc[x]} is negative. An OR of {@code rows − (half + 1)} carries the
     * sign bit of any negative term; unlike {@code Math.min}, the JIT vectorises it.
     */
    private static void disc(int[][] rows, int y, int[] half, int reach, int[] acc) {
        Arrays.fill(acc, 0);
        for (int dy = Math.max(-reach, -y); dy <= Math.min(reach, rows.length - 1 - y); dy++) {
            int[] r = rows[y + dy];
            int b = half[Math.abs(dy)] + 1;
            for (int x = 0; x < acc.length; x++) acc[x] |= r[x] - b;
        }
    }

    /** In place: each entry (0 at the pixels looked for, {@code far} elsewhere) becomes the distance along the row to the nearest 0, at most far. */
    private static void rowDistance(int[] d, int far) {
        int n = d.length;
        for (int x = 1; x < n; x++) d[x] = Math.min(d[x], d[x - 1] + 1);
        for (int x = n - 2; x >= 0; x--) d[x] = Math.min(d[x], d[x + 1] + 1);
        for (int x = 0; x < n; x++) d[x] = Math.min(d[x], far);
    }
}
