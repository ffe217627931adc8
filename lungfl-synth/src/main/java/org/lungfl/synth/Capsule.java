package org.lungfl.synth;

/**
 * A line segment with a radius: vessels, airways and spicules are chains of these. Coordinates
 * are patient LPS millimetres.
 */
record Capsule(double ax, double ay, double az, double bx, double by, double bz, double radius) {

    double minZ() { return Math.min(az, bz) - radius; }

    double maxZ() { return Math.max(az, bz) + radius; }

    /** Squared distance from a point to the segment. */
    double distanceSq(double x, double y, double z) {
        double dx = bx - ax, dy = by - ay, dz = bz - az;
        double len2 = dx * dx + dy * dy + dz * dz;
        double t = len2 == 0 ? 0 : ((x - ax) * dx + (y - ay) * dy + (z - az) * dz) / len2;
        t = t < 0 ? 0 : (t > 1 ? 1 : t);
        return sq(x - ax - t * dx) + sq(y - ay - t * dy) + sq(z - az - t * dz);
    }

    /** The in-plane bounding box {minX, maxX, minY, maxY} of the part within [z0, z1], padded by pad; null if none. */
    double[] boundsInSlab(double z0, double z1, double pad) {
        double lo = z0 - radius, hi = z1 + radius;
        double t0, t1;
        double dz = bz - az;
        if (Math.abs(dz) < 1e-9) {
            if (az < lo || az > hi) return null;
            t0 = 0;
            t1 = 1;
        } else {
            double ta = (lo - az) / dz, tb = (hi - az) / dz;
            t0 = Math.max(0, Math.min(ta, tb));
            t1 = Math.min(1, Math.max(ta, tb));
            if (t0 > t1) return null;
        }
        double x0 = ax + t0 * (bx - ax), x1 = ax + t1 * (bx - ax);
        double y0 = ay + t0 * (by - ay), y1 = ay + t1 * (by - ay);
        double r = radius + pad;
        return new double[] {Math.min(x0, x1) - r, Math.max(x0, x1) + r, Math.min(y0, y1) - r, Math.max(y0, y1) + r};
    }

    private static double sq(double v) { return v * v; }
}
