package org.lungfl.synth;

/**
 * Renders the noiseless HU image of one axial slice of an {@link Anatomy}. Large structures are
 * filled span by span per row (the body, lungs, table); small ones only inside their bounding box
 * (vessels, airways, lesions, bones). Thin-object partial volume along z comes from averaging a
 * few sub-slices across the slice thickness; in-plane partial volume is the scanner's blur
 * ({@link ScannerModel}).
 */
final class SliceRenderer {
    static final float AIR_HU = -1000f;
    private static final float TABLE_SHELL_HU = 250f, TABLE_FOAM_HU = -900f;
    private static final float AIRWAY_WALL_HU = -50f, CSF_HU = 15f, DISC_HU = 80f;

    private final Anatomy an;

    SliceRenderer(Anatomy anatomy) {
        this.an = anatomy;
    }

    float[] render(SliceGrid g, double z, double thickness) {
        float[] hu = new float[g.rows() * g.cols()];
        java.util.Arrays.fill(hu, AIR_HU);
        boolean[] lung = new boolean[hu.length];
        double[] zs = subSlices(z, thickness, g.dx());
        table(g, hu);
        body(g, hu);
        lungs(g, z, thickness, hu, lung);
        for (Capsule v : an.vessels()) capsule(g, zs, v, v.radius(), (float) an.vesselHu(), hu, lung, true);
        for (Capsule a : an.airways()) {
            capsule(g, zs, a, a.radius() + an.airwayWall(), AIRWAY_WALL_HU, hu, lung, true);
            capsule(g, zs, a, a.radius(), AIR_HU, hu, lung, true);
        }
        for (Capsule c : an.centralAirways()) {
            capsule(g, zs, c, c.radius() + 1.5, AIRWAY_WALL_HU, hu, lung, true);
            capsule(g, zs, c, c.radius(), AIR_HU, hu, lung, false);
        }
        for (Lesion l : an.lesions()) lesion(g, zs, l, hu, lung);
        ribs(g, zs, hu);
        spine(g, z, hu);
        return hu;
    }

    /** Sub-slice heights across the slice thickness: as many as needed to resolve ~1 mm along z. */
    static double[] subSlices(double z, double thickness, double pixel) {
        int n = Math.max(1, Math.min(4, (int) Math.ceil(thickness / Math.max(pixel, 1.0))));
        double[] zs = new double[n];
        for (int k = 0; k < n; k++) zs[k] = z + thickness * ((k + 0.5) / n - 0.5);
        return zs;
    }

    private void table(SliceGrid g, float[] hu) {
        Anatomy.Table t = an.table();
        int j0 = g.colAtOrAfter(-t.halfWidth()), j1 = g.colAtOrBefore(t.halfWidth());
        for (int j = j0; j <= j1; j++) {
            double x = g.x0() + j * g.dx();
            double top = t.topY() - t.curvature() * x * x;
            int i1 = g.rowAtOrBefore(top + 12);
            for (int i = g.rowAtOrAfter(top); i <= i1; i++) {
                double d = g.y0() + i * g.dy() - top;
                hu[i * g.cols() + j] = d < 2 || d >= 10 ? TABLE_SHELL_HU : TABLE_FOAM_HU;
            }
        }
    }

    private void body(SliceGrid g, float[] hu) {
        Anatomy.Body b = an.body();
        ellipse(g, hu, b.cx(), b.cy(), b.a(), b.b(), (float) b.skinHu());
        ellipse(g, hu, b.cx(), b.cy(), b.a() - b.skin(), b.b() - b.skin(), (float) b.fatHu());
        ellipse(g, hu, b.cx(), b.cy(), b.a() - b.skin() - b.fat(), b.b() - b.skin() - b.fat(), (float) b.muscleHu());
    }

    private static void ellipse(SliceGrid g, float[] hu, double cx, double cy, double a, double b, float value) {
        int i0 = g.rowAtOrAfter(cy - b), i1 = g.rowAtOrBefore(cy + b);
        for (int i = i0; i <= i1; i++) {
            double v = (g.y0() + i * g.dy() - cy) / b;
            double half = a * Math.sqrt(Math.max(0, 1 - v * v));
            int j0 = g.colAtOrAfter(cx - half), j1 = g.colAtOrBefore(cx + half);
            if (j1 >= j0) java.util.Arrays.fill(hu, i * g.cols() + j0, i * g.cols() + j1 + 1, value);
        }
    }

    /**
     * Lung parenchyma with texture and a dependent (posterior) density gradient. The diaphragm dome
     * is shallow, so a thick slice through it is partly lung: the lung share is the part of the
     * slice above the dome.
     */
    private void lungs(SliceGrid g, double z, double thickness, float[] hu, boolean[] lungMask) {
        float[] plane = an.texture().planeAt(z);
        for (Lung l : an.lungs()) {
            double c = l.scaleAt(z);
            if (c == 0) continue;
            double a = l.ax() * c, b = l.by() * c;
            int i0 = g.rowAtOrAfter(l.cy() - b), i1 = g.rowAtOrBefore(l.cy() + b);
            for (int i = i0; i <= i1; i++) {
                double y = g.y0() + i * g.dy();
                double v = (y - l.cy()) / b;
                double half = a * Math.sqrt(Math.max(0, 1 - v * v));
                int j0 = g.colAtOrAfter(l.cx() - half), j1 = g.colAtOrBefore(l.cx() + half);
                float gradient = (float) (an.dependentGradientHu() * (y - l.cy()) / l.by());
                for (int j = j0; j <= j1; j++) {
                    double x = g.x0() + j * g.dx();
                    if (l.inHeart(x, y, z)) continue;
                    double share = (z + thickness / 2 - l.diaphragmZ(x, y)) / thickness;
                    if (share <= 0) continue;
                    float m = share >= 1 ? 1f : (float) share;
                    int p = i * g.cols() + j;
                    float tissue = (float) an.parenchymaHu() + an.texture().sample(plane, x, y) + gradient;
                    hu[p] += m * (tissue - hu[p]);
                    if (m >= 0.5f) lungMask[p] = true;
                }
            }
        }
    }

    /** Blends value into the pixels covered by the capsule with the given radius, averaged over the sub-slices. */
    private static void capsule(SliceGrid g, double[] zs, Capsule c, double radius, float value, float[] hu, boolean[] lungMask,
            boolean lungOnly) {
        double half = (zs[zs.length - 1] - zs[0]) / 2 + 1e-9;
        double zMid = (zs[0] + zs[zs.length - 1]) / 2;
        Capsule cr = radius == c.radius() ? c : new Capsule(c.ax(), c.ay(), c.az(), c.bx(), c.by(), c.bz(), radius);
        if (cr.maxZ() < zMid - half || cr.minZ() > zMid + half) return;
        double[] box = cr.boundsInSlab(zMid - half, zMid + half, 0);
        if (box == null) return;
        int j0 = g.colAtOrAfter(box[0]), j1 = g.colAtOrBefore(box[1]);
        int i0 = g.rowAtOrAfter(box[2]), i1 = g.rowAtOrBefore(box[3]);
        double r2 = radius * radius;
        float inv = 1f / zs.length;
        for (int i = i0; i <= i1; i++) {
            double y = g.y0() + i * g.dy();
            for (int j = j0; j <= j1; j++) {
                int p = i * g.cols() + j;
                if (lungOnly && !lungMask[p]) continue;
                double x = g.x0() + j * g.dx();
                int inside = 0;
                for (double z : zs) if (cr.distanceSq(x, y, z) <= r2) inside++;
                if (inside > 0) hu[p] += inside * inv * (value - hu[p]);
            }
        }
    }

    private void lesion(SliceGrid g, double[] zs, Lesion l, float[] hu, boolean[] lungMask) {
        double reach = l.radius() * (1 + l.lobulation());
        double half = (zs[zs.length - 1] - zs[0]) / 2;
        double zMid = (zs[0] + zs[zs.length - 1]) / 2;
        if (Math.abs(zMid - l.z()) <= reach + half) {
            int j0 = g.colAtOrAfter(l.x() - reach), j1 = g.colAtOrBefore(l.x() + reach);
            int i0 = g.rowAtOrAfter(l.y() - reach), i1 = g.rowAtOrBefore(l.y() + reach);
            boolean partSolid = l.kind() == Lesion.Kind.PART_SOLID;
            float inv = 1f / zs.length;
            for (int i = i0; i <= i1; i++) {
                double dy = g.y0() + i * g.dy() - l.y();
                for (int j = j0; j <= j1; j++) {
                    double dx = g.x0() + j * g.dx() - l.x();
                    double rIn = l.radius();
                    if (l.lobulation() > 0) {
                        double phi = Math.atan2(dy, dx);
                        rIn *= 1 + l.lobulation() * (0.6 * Math.cos(3 * phi + l.lobePhase()) + 0.4 * Math.cos(5 * phi + 2 * l.lobePhase()));
                    }
                    int outer = 0, core = 0;
                    for (double z : zs) {
                        double d2 = dx * dx + dy * dy + (z - l.z()) * (z - l.z());
                        if (d2 <= rIn * rIn) outer++;
                        if (partSolid && d2 <= l.coreRadius() * l.coreRadius()) core++;
                    }
                    int p = i * g.cols() + j;
                    if (partSolid) {
                        if (outer > 0) hu[p] += outer * inv * ((float) l.haloHu() - hu[p]);
                        if (core > 0) hu[p] += core * inv * ((float) l.coreHu() - hu[p]);
                    } else if (outer > 0) {
                        hu[p] += outer * inv * ((float) l.coreHu() - hu[p]);
                    }
                }
            }
        }
        for (Capsule s : l.spicules()) capsule(g, zs, s, s.radius(), (float) l.coreHu(), hu, lungMask, true);
    }

    /**
     * Ribs: in an axial slice a rib shows where its inclined path crosses the slice, as an arc of
     * bone just outside the lung; cortex outside, marrow inside.
     */
    private void ribs(SliceGrid g, double[] zs, float[] hu) {
        Anatomy.Ribs rb = an.ribs();
        double ht = rb.halfThickness();
        double minPhi = Math.toRadians(15), maxPhi = Math.toRadians(150);
        float inv = 1f / zs.length;
        int i0 = g.rowAtOrAfter(rb.cy() - rb.ringB() - ht), i1 = g.rowAtOrBefore(rb.cy() + rb.ringB() + ht);
        for (int i = i0; i <= i1; i++) {
            double y = g.y0() + i * g.dy();
            double vo = (y - rb.cy()) / (rb.ringB() + ht);
            if (Math.abs(vo) >= 1) continue;
            double outerHalf = (rb.ringA() + ht) * Math.sqrt(1 - vo * vo);
            double vi = (y - rb.cy()) / (rb.ringB() - ht);
            double innerHalf = Math.abs(vi) >= 1 ? 0 : (rb.ringA() - ht) * Math.sqrt(1 - vi * vi);
            for (int side = -1; side <= 1; side += 2) {
                double xa = rb.cx() + side * innerHalf, xb = rb.cx() + side * outerHalf;
                int j0 = g.colAtOrAfter(Math.min(xa, xb)), j1 = g.colAtOrBefore(Math.max(xa, xb));
                for (int j = j0; j <= j1; j++) {
                    double x = g.x0() + j * g.dx();
                    double xn = (x - rb.cx()) / rb.ringA(), yn = (y - rb.cy()) / rb.ringB();
                    double phi = Math.abs(Math.atan2(xn, yn));
                    if (phi < minPhi || phi > maxPhi) continue;
                    double rho = Math.sqrt(xn * xn + yn * yn);
                    double dr = (rho - 1) * Math.sqrt(xn * rb.ringA() * xn * rb.ringA() + yn * rb.ringB() * yn * rb.ringB()) / rho;
                    double er = (dr / ht) * (dr / ht);
                    if (er > 1) continue;
                    double drop = rb.drop() * (1 - Math.cos(phi)) / 2;
                    int k = (int) Math.round((rb.topZ() - drop - zs[zs.length / 2]) / rb.spacing());
                    if (k < 0 || k >= rb.count()) continue;
                    double ribZ = rb.topZ() - k * rb.spacing() - drop;
                    int cortex = 0, marrow = 0;
                    for (double z : zs) {
                        double ez = (z - ribZ) / rb.halfHeight();
                        double e = er + ez * ez;
                        if (e <= 0.45) marrow++;
                        else if (e <= 1) cortex++;
                    }
                    int p = i * g.cols() + j;
                    if (cortex > 0) hu[p] += cortex * inv * ((float) rb.cortexHu() - hu[p]);
                    if (marrow > 0) hu[p] += marrow * inv * ((float) rb.marrowHu() - hu[p]);
                }
            }
        }
    }

    /** A vertebral body (or a disc), the spinal canal and the posterior arch with its spinous process. */
    private void spine(SliceGrid g, double z, float[] hu) {
        Anatomy.Spine s = an.spine();
        double phase = ((z - s.phase()) % s.period() + s.period()) % s.period() / s.period();
        boolean disc = phase > 0.85;
        double canalY = s.y() + s.radius() + 9;
        double reach = s.radius() + 40;
        int j0 = g.colAtOrAfter(s.x() - s.radius()), j1 = g.colAtOrBefore(s.x() + s.radius());
        int i0 = g.rowAtOrAfter(s.y() - s.radius()), i1 = g.rowAtOrBefore(s.y() + reach);
        for (int i = i0; i <= i1; i++) {
            double dy = g.y0() + i * g.dy() - s.y();
            double cy = g.y0() + i * g.dy() - canalY;
            for (int j = j0; j <= j1; j++) {
                double dx = g.x0() + j * g.dx() - s.x();
                double r = Math.sqrt(dx * dx + dy * dy);
                double rc = Math.sqrt(dx * dx + cy * cy);
                float v;
                if (r <= s.radius()) v = disc ? DISC_HU : (float) (r > s.radius() - 2 ? s.cortexHu() : s.marrowHu());
                else if (rc <= 7) v = CSF_HU;
                else if (rc <= 11 && cy > -2) v = (float) s.cortexHu();
                else if (Math.abs(dx) <= 3 && cy > 9 && cy < 24) v = (float) (0.85 * s.cortexHu());
                else continue;
                hu[i * g.cols() + j] = v;
            }
        }
    }
}
