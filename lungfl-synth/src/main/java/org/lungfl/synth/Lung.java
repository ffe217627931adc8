package org.lungfl.synth;

/**
 * One lung as an analytic solid: an elliptic cross-section that narrows to a rounded apex, cut
 * from below by a domed diaphragm (which leaves the costophrenic recess around the dome) and, on
 * the left, indented by the heart. All lengths in mm, LPS coordinates.
 */
record Lung(double cx, double cy, double ax, double by, double zApex, double height, double dome,
        double heartX, double heartY, double heartA, double heartB, double heartTopZ) {

    /** Fraction of the height over which the apex widens to the full cross-section. */
    private static final double APEX_FRACTION = 0.3;

    double zBase() { return zApex - height; }

    /** Cross-section scale at height z: 0 above the apex, rising as a dome, 1 below it. */
    double scaleAt(double z) {
        double t = (zApex - z) / height;
        if (t <= 0 || t > 1) return 0;
        return t >= APEX_FRACTION ? 1 : Math.sqrt(t / APEX_FRACTION);
    }

    /** Height of the diaphragm at (x, y): highest at the lung's centre. */
    double diaphragmZ(double x, double y) {
        double u = (x - cx) / ax, v = (y - cy) / by;
        double rho2 = Math.min(1, u * u + v * v);
        return zBase() + dome * (1 - rho2);
    }

    boolean inHeart(double x, double y, double z) {
        if (z > heartTopZ) return false;
        double u = (x - heartX) / heartA, v = (y - heartY) / heartB;
        return u * u + v * v <= 1;
    }

    boolean contains(double x, double y, double z) {
        double c = scaleAt(z);
        if (c == 0) return false;
        double u = (x - cx) / (ax * c), v = (y - cy) / (by * c);
        return u * u + v * v <= 1 && z >= diaphragmZ(x, y) && !inHeart(x, y, z);
    }
}
