package org.lungfl.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws one synthetic chest: body habitus, lungs, airway and vessel trees grown from the hila,
 * ribs, spine, table, and the lesions (nodules for cancer, calcified granulomas as benign
 * look-alikes). Everything comes from the given random stream, so a seed fixes the patient.
 */
final class AnatomyGenerator {
    private final PhantomModel model;

    AnatomyGenerator(PhantomModel model) {
        this.model = model;
    }

    Anatomy generate(SplittableRandom r, boolean cancer) {
        double s = u(r, 0.88, 1.05);
        double a = 134 * s * u(r, 0.95, 1.05), b = 100 * s * u(r, 0.95, 1.05);
        double cx = u(r, -8, 8), cy = u(r, -10, 10);
        double skin = 2, fat = u(r, 6, 22) * s;
        Anatomy.Body body = new Anatomy.Body(cx, cy, a, b, skin, fat, u(r, 20, 50), u(r, -115, -85), u(r, 35, 60));
        double ia = a - skin - fat, ib = b - skin - fat;

        double height = u(r, 150, 190) * s;
        double zApex = -100 + u(r, -30, 30);
        double dome = u(r, 0.18, 0.28) * height;
        double heartX = cx + 0.10 * ia, heartY = cy - 0.30 * ib, heartA = 0.33 * ia, heartB = 0.42 * ib;
        double heartTop = zApex - 0.45 * height;
        List<Lung> lungs = List.of(
                new Lung(cx - 0.52 * ia, cy + 0.04 * ib, 0.34 * ia * 1.03, 0.76 * ib, zApex, height, dome, heartX, heartY, heartA, heartB, heartTop),
                new Lung(cx + 0.52 * ia, cy + 0.04 * ib, 0.34 * ia * 0.97, 0.76 * ib, zApex + u(r, -8, 0), height, dome, heartX, heartY, heartA, heartB, heartTop));

        // Airways: trachea and main bronchi (air wherever they are), then lobar branches inside each lung.
        double carinaZ = zApex - 0.35 * height;
        double scanTop = zApex + 10, scanBottom = zApex - height - 5;
        double tracheaY = cy + 0.25 * ib;
        List<Capsule> central = new ArrayList<>();
        central.add(new Capsule(cx, tracheaY, scanTop + 10, cx, tracheaY, carinaZ, 8 * s));
        List<Capsule> airways = new ArrayList<>();
        List<Capsule> vessels = new ArrayList<>();
        for (Lung lung : lungs) {
            double side = Math.signum(lung.cx() - cx);
            double hx = lung.cx() - side * 0.55 * lung.ax(), hy = lung.cy() + 0.05 * lung.by(), hz = zApex - 0.45 * height;
            central.add(new Capsule(cx, tracheaY, carinaZ, hx, hy, hz, 5.5 * s));
            for (int k = 0; k < 3; k++) {
                double[] dir = towards(r, lung, hx, hy, hz, height);
                grow(airways, lung, r, hx, hy, hz, dir, 3.5 * s, 22 * s, 0, 3, 1.2);
            }
            for (int tree = 0; tree < 2; tree++) {
                double vz = tree == 0 ? hz + 5 : zApex - 0.6 * height;
                double vy = hy + (tree == 0 ? -10 : 8);
                for (int k = 0; k < 5; k++) {
                    double[] dir = towards(r, lung, hx, vy, vz, height);
                    grow(vessels, lung, r, hx, vy, vz, dir, 2.8 * s * u(r, 0.85, 1.15), 24 * s, 0, 7, 0.6);
                }
            }
        }

        Anatomy.Ribs ribs = new Anatomy.Ribs(cx, cy, 0.93 * ia, 0.93 * ib, zApex + 5, (height + 20) / 12, 12, 70 * s,
                3.5 * s, 6 * s, u(r, 700, 1000), u(r, 220, 350));
        Anatomy.Spine spine = new Anatomy.Spine(cx, cy + 0.45 * ib, 14 * s, 26 * s, u(r, 0, 26), u(r, 700, 1000), u(r, 220, 350));
        Anatomy.Table table = new Anatomy.Table(cy + b + u(r, 1, 4), 0.0012, 210);
        double step = 4;
        Texture texture = new Texture(cx - a - 8, cy - b - 8, scanBottom - 8, step, (int) ((2 * a + 16) / step) + 2,
                (int) ((2 * b + 16) / step) + 2, (int) ((scanTop - scanBottom + 16) / step) + 2, model.textureHu(), r);

        Anatomy partial = new Anatomy(body, lungs, vessels, airways, 1.0, central, ribs, spine, table, texture, List.of(),
                model.parenchymaHu(), u(r, 25, 50), model.vesselHu(), scanTop, scanBottom);
        List<Lesion> lesions = new LesionPlacer(model, partial, r).place(cancer);
        return new Anatomy(body, lungs, vessels, airways, 1.0, central, ribs, spine, table, texture, lesions,
                model.parenchymaHu(), partial.dependentGradientHu(), model.vesselHu(), scanTop, scanBottom);
    }

    /** A unit vector from the hilum towards a random point of the lung. */
    private static double[] towards(SplittableRandom r, Lung lung, double hx, double hy, double hz, double height) {
        double tx = lung.cx() + u(r, -0.5, 0.7) * lung.ax() * Math.signum(lung.cx() - hx);
        double ty = lung.cy() + u(r, -0.6, 0.6) * lung.by();
        double tz = lung.zApex() - u(r, 0.1, 0.9) * height;
        return unit(tx - hx, ty - hy, tz - hz);
    }

    /** Grows a branching tree segment by segment; a branch stops where it would leave the lung. */
    private static void grow(List<Capsule> out, Lung lung, SplittableRandom r, double x, double y, double z, double[] dir,
            double radius, double length, int depth, int maxDepth, double minRadius) {
        double ex = x + dir[0] * length, ey = y + dir[1] * length, ez = z + dir[2] * length;
        if (!lung.contains(ex, ey, ez)) {
            length *= 0.5;
            ex = x + dir[0] * length;
            ey = y + dir[1] * length;
            ez = z + dir[2] * length;
            if (!lung.contains(ex, ey, ez)) return;
        }
        out.add(new Capsule(x, y, z, ex, ey, ez, radius));
        if (depth >= maxDepth) return;
        int children = r.nextDouble() < 0.15 ? 3 : 2;
        for (int c = 0; c < children; c++) {
            double childRadius = radius * u(r, 0.66, 0.8);
            if (childRadius < minRadius) continue;
            grow(out, lung, r, ex, ey, ez, perturb(r, dir, Math.toRadians(u(r, 18, 40))), childRadius, length * u(r, 0.72, 0.92),
                    depth + 1, maxDepth, minRadius);
        }
    }

    /** dir turned by angle towards a random perpendicular direction. */
    static double[] perturb(SplittableRandom r, double[] dir, double angle) {
        double[] w = randomUnit(r);
        double dot = w[0] * dir[0] + w[1] * dir[1] + w[2] * dir[2];
        double[] p = unit(w[0] - dot * dir[0], w[1] - dot * dir[1], w[2] - dot * dir[2]);
        double c = Math.cos(angle), sn = Math.sin(angle);
        return unit(dir[0] * c + p[0] * sn, dir[1] * c + p[1] * sn, dir[2] * c + p[2] * sn);
    }

    static double[] randomUnit(SplittableRandom r) {
        while (true) {
            double x = u(r, -1, 1), y = u(r, -1, 1), z = u(r, -1, 1);
            double n = x * x + y * y + z * z;
            if (n > 1e-6 && n <= 1) return unit(x, y, z);
        }
    }

    static double[] unit(double x, double y, double z) {
        double n = Math.sqrt(x * x + y * y + z * z);
        return new double[] {x / n, y / n, z / n};
    }

    static double u(SplittableRandom r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }
}
