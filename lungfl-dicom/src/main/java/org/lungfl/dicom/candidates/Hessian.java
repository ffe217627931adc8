package org.lungfl.dicom.candidates;

/** The Hessian of a smoothed volume at one voxel, and the eigenvalues that describe its local shape. */
final class Hessian {
    private Hessian() {}

    /**
     * Eigenvalues, ascending, of −σ²·H at voxel {@code i} (central differences; the voxel must not
     * be on the volume's border). For a bright blob all three are positive, for a bright tube one
     * is near zero, for a bright plate two are.
     */
    static double[] eigenvalues(float[] g, int i, int plane, int w, double sigma2) {
        double c = g[i];
        double zz = g[i + plane] - 2 * c + g[i - plane];
        double yy = g[i + w] - 2 * c + g[i - w];
        double xx = g[i + 1] - 2 * c + g[i - 1];
        double zy = (g[i + plane + w] - g[i + plane - w] - g[i - plane + w] + g[i - plane - w]) / 4;
        double zx = (g[i + plane + 1] - g[i + plane - 1] - g[i - plane + 1] + g[i - plane - 1]) / 4;
        double yx = (g[i + w + 1] - g[i + w - 1] - g[i - w + 1] + g[i - w - 1]) / 4;
        double k = -sigma2;
        return symmetricEigenvalues(k * zz, k * zy, k * zx, k * yy, k * yx, k * xx);
    }

    /**
     * Eigenvalues of the symmetric matrix [[a, b, c], [b, d, e], [c, e, f]], ascending, by the
     * closed-form trigonometric solution of the characteristic cubic (Smith 1961).
     */
    static double[] symmetricEigenvalues(double a, double b, double c, double d, double e, double f) {
        double p1 = b * b + c * c + e * e;
        if (p1 == 0) {
            double[] diag = {a, d, f};
            java.util.Arrays.sort(diag);
            return diag;
        }
        double q = (a + d + f) / 3;
        double p2 = (a - q) * (a - q) + (d - q) * (d - q) + (f - q) * (f - q) + 2 * p1;
        double p = Math.sqrt(p2 / 6);
        // B = (A − qI) / p; r = det(B) / 2
        double ba = (a - q) / p, bd = (d - q) / p, bf = (f - q) / p, bb = b / p, bc = c / p, be = e / p;
        double det = ba * (bd * bf - be * be) - bb * (bb * bf - be * bc) + bc * (bb * be - bd * bc);
        double r = Math.max(-1, Math.min(1, det / 2));
        double phi = Math.acos(r) / 3;
        double largest = q + 2 * p * Math.cos(phi);
        double smallest = q + 2 * p * Math.cos(phi + 2 * Math.PI / 3);
        double middle = 3 * q - largest - smallest;
        return new double[] {smallest, middle, largest};
    }
}
