package org.lungfl.synth;

import static org.lungfl.synth.AnatomyGenerator.u;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Puts nodules and calcified granulomas into the lungs of an anatomy: free in the parenchyma,
 * abutting a vessel (the look-alike a detector must tell apart), or touching the pleura.
 */
final class LesionPlacer {
    private static final int ATTEMPTS = 200;

    private final PhantomModel model;
    private final Anatomy anatomy;
    private final SplittableRandom r;
    private final List<Lesion> placed = new ArrayList<>();

    LesionPlacer(PhantomModel model, Anatomy anatomy, SplittableRandom r) {
        this.model = model;
        this.anatomy = anatomy;
        this.r = r;
    }

    List<Lesion> place(boolean cancer) {
        if (cancer) {
            double k = r.nextDouble();
            int n = k < 0.5 ? 1 : (k < 0.8 ? 2 : 3);
            for (int i = 0; i < n; i++) nodule();
        }
        if (r.nextDouble() < (cancer ? model.granulomaRatePositive() : model.granulomaRateNegative())) {
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) granuloma();
        }
        return List.copyOf(placed);
    }

    private void nodule() {
        double d = r.nextDouble() < model.smallNoduleFraction()
                ? u(r, model.noduleMinMm(), model.smallNoduleMaxMm())
                : Math.exp(u(r, Math.log(model.smallNoduleMaxMm()), Math.log(model.noduleMaxMm())));
        boolean partSolid = d >= 8 && r.nextDouble() < model.partSolidFraction();
        double radius = d / 2;
        double a = r.nextDouble();
        Lesion.Attachment attachment = a < model.vesselAttachedFraction() ? Lesion.Attachment.VESSEL
                : a < model.vesselAttachedFraction() + model.pleuraAttachedFraction() ? Lesion.Attachment.PLEURA : Lesion.Attachment.FREE;
        double[] c = centre(radius, attachment);
        if (c == null) {
            attachment = Lesion.Attachment.FREE;
            c = centre(radius, attachment);
            if (c == null) return; // a lung too small for this size: leave it out rather than overlap
        }
        boolean spiculated = d >= 8 && r.nextDouble() < model.spiculatedFraction();
        List<Capsule> spicules = new ArrayList<>();
        if (spiculated) {
            int n = 6 + r.nextInt(9);
            for (int i = 0; i < n; i++) {
                double[] dir = AnatomyGenerator.randomUnit(r);
                double len = radius * (1 + u(r, 0.5, 1.3));
                spicules.add(new Capsule(c[0], c[1], c[2], c[0] + dir[0] * len, c[1] + dir[1] * len, c[2] + dir[2] * len, u(r, 0.4, 0.9)));
            }
        }
        double coreRadius = partSolid ? radius * u(r, 0.3, 0.6) : radius;
        double haloHu = partSolid ? u(r, -600, -400) : Double.NaN;
        placed.add(new Lesion(partSolid ? Lesion.Kind.PART_SOLID : Lesion.Kind.SOLID, attachment, c[0], c[1], c[2], d, coreRadius,
                u(r, 0, 60), haloHu, partSolid ? 0 : u(r, 0, 0.15), u(r, 0, 2 * Math.PI), List.copyOf(spicules)));
    }

    private void granuloma() {
        double d = u(r, model.granulomaMinMm(), model.granulomaMaxMm());
        Lesion.Attachment attachment = r.nextDouble() < 0.3 ? Lesion.Attachment.PLEURA : Lesion.Attachment.FREE;
        double[] c = centre(d / 2, attachment);
        if (c == null) return;
        placed.add(new Lesion(Lesion.Kind.CALCIFIED_GRANULOMA, attachment, c[0], c[1], c[2], d, d / 2, u(r, 250, 900), Double.NaN,
                0, 0, List.of()));
    }

    private double[] centre(double radius, Lesion.Attachment attachment) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double[] c = switch (attachment) {
                case FREE -> free(radius);
                case PLEURA -> pleural(radius);
                case VESSEL -> besideVessel(radius);
            };
            if (c != null && apartFromOthers(c, radius)) return c;
        }
        return null;
    }

    private double[] interiorPoint() {
        Lung lung = anatomy.lungs().get(r.nextInt(anatomy.lungs().size()));
        double z = lung.zApex() - u(r, 0.15, 0.85) * lung.height();
        double x = lung.cx() + u(r, -0.8, 0.8) * lung.ax(), y = lung.cy() + u(r, -0.8, 0.8) * lung.by();
        return lung.contains(x, y, z) ? new double[] {x, y, z} : null;
    }

    /** Inside the lung with a margin: the sphere does not reach the pleura. */
    private double[] free(double radius) {
        double[] c = interiorPoint();
        if (c == null) return null;
        double m = radius + 2;
        double[][] offsets = {{m, 0, 0}, {-m, 0, 0}, {0, m, 0}, {0, -m, 0}, {0, 0, m}, {0, 0, -m}};
        for (double[] o : offsets) if (!anatomy.inLung(c[0] + o[0], c[1] + o[1], c[2] + o[2])) return null;
        return c;
    }

    /** Abutting the chest wall: from an interior point outwards to the pleura, then back by most of a radius. */
    private double[] pleural(double radius) {
        double[] p = interiorPoint();
        if (p == null) return null;
        double t = u(r, 0, 2 * Math.PI);
        double dx = Math.cos(t), dy = Math.sin(t);
        double x = p[0], y = p[1];
        for (int step = 0; step < 600 && anatomy.inLung(x, y, p[2]); step++) {
            x += dx * 0.5;
            y += dy * 0.5;
        }
        double[] c = {x - dx * radius * 0.75, y - dy * radius * 0.75, p[2]};
        return anatomy.inLung(c[0], c[1], c[2]) ? c : null;
    }

    /** Touching a small or mid-sized vessel: offset sideways from its midpoint by the sum of radii. */
    private double[] besideVessel(double radius) {
        List<Capsule> vessels = anatomy.vessels();
        if (vessels.isEmpty()) return null;
        Capsule v = vessels.get(r.nextInt(vessels.size()));
        if (v.radius() < 0.8 || v.radius() > 3.5) return null;
        double mx = (v.ax() + v.bx()) / 2, my = (v.ay() + v.by()) / 2, mz = (v.az() + v.bz()) / 2;
        double[] axis = AnatomyGenerator.unit(v.bx() - v.ax(), v.by() - v.ay(), v.bz() - v.az());
        double[] side = AnatomyGenerator.perturb(r, axis, Math.PI / 2);
        double off = radius + v.radius() * 0.7;
        double[] c = {mx + side[0] * off, my + side[1] * off, mz + side[2] * off};
        double m = radius + 1;
        if (!anatomy.inLung(c[0], c[1], c[2]) || !anatomy.inLung(c[0], c[1], c[2] + m) || !anatomy.inLung(c[0], c[1], c[2] - m)) return null;
        return c;
    }

    private boolean apartFromOthers(double[] c, double radius) {
        for (Lesion l : placed) {
            double dx = c[0] - l.x(), dy = c[1] - l.y(), dz = c[2] - l.z();
            double min = radius + l.radius() + 10;
            if (dx * dx + dy * dy + dz * dz < min * min) return false;
        }
        return true;
    }
}
