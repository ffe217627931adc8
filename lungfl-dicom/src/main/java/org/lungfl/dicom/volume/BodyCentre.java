package org.lungfl.dicom.volume;

/**
 * The centre of the patient's body in a CT volume: the centre of mass of the largest 6-connected
 * region above {@value #BODY_HU} HU. Soft tissue and bone are far above it, lung parenchyma
 * (about −850 HU) below it, but the lungs are enclosed by the chest wall, so the largest component
 * is the trunk; the scanner table and blankets form smaller, separate components. The largest
 * component is used rather than "the one at the image centre" because an off-centre patient (or an
 * air-filled lung at the centre) makes the image centre a poor seed.
 */
final class BodyCentre {
    static final float BODY_HU = -500f;

    private BodyCentre() {}

    /** (z, y, x) voxel coordinates; the volume centre when nothing is above the threshold. */
    static double[] of(HuVolume v) {
        int d = v.depth(), h = v.height(), w = v.width();
        float[] hu = v.data();
        int n = hu.length;
        int[] label = new int[n];
        int[] queue = new int[n];
        int best = 0;
        double[] bestCentre = {(d - 1) / 2.0, (h - 1) / 2.0, (w - 1) / 2.0};
        int next = 0;
        int plane = h * w;
        for (int seed = 0; seed < n; seed++) {
            if (label[seed] != 0 || !(hu[seed] > BODY_HU)) continue;
            next++;
            int head = 0, tail = 0;
            queue[tail++] = seed;
            label[seed] = next;
            double sz = 0, sy = 0, sx = 0;
            while (head < tail) {
                int i = queue[head++];
                int z = i / plane, r = i - z * plane, y = r / w, x = r - y * w;
                sz += z;
                sy += y;
                sx += x;
                if (x > 0) tail = visit(i - 1, hu, label, queue, tail, next);
                if (x < w - 1) tail = visit(i + 1, hu, label, queue, tail, next);
                if (y > 0) tail = visit(i - w, hu, label, queue, tail, next);
                if (y < h - 1) tail = visit(i + w, hu, label, queue, tail, next);
                if (z > 0) tail = visit(i - plane, hu, label, queue, tail, next);
                if (z < d - 1) tail = visit(i + plane, hu, label, queue, tail, next);
            }
            if (tail > best) {
                best = tail;
                bestCentre = new double[] {sz / tail, sy / tail, sx / tail};
            }
        }
        return bestCentre;
    }

    private static int visit(int i, float[] hu, int[] label, int[] queue, int tail, int id) {
        if (label[i] == 0 && hu[i] > BODY_HU) {
            label[i] = id;
            queue[tail++] = i;
        }
        return tail;
    }
}
