package org.lungfl.core.aggregation;

import java.util.Arrays;

/**
 * Norms of the deltas and, when asked, their pairwise squared distances, accumulated slice by slice
 * in double precision over the first pass: K + K(K−1)/2 numbers whatever the model size.
 */
final class DeltaGeometry {
    private final double[] squaredNorm;
    private final double[][] squaredDistance;

    DeltaGeometry(int k, boolean distances) {
        this.squaredNorm = new double[k];
        this.squaredDistance = distances ? new double[k][k] : null;
    }

    void add(DeltaSlices d, int n) {
        int k = squaredNorm.length;
        for (int i = 0; i < k; i++) {
            float[] a = d.delta(i);
            double s = 0;
            for (int j = 0; j < n; j++) s += (double) a[j] * a[j];
            squaredNorm[i] += s;
            if (squaredDistance == null) continue;
            for (int l = i + 1; l < k; l++) {
                float[] b = d.delta(l);
                double t = 0;
                for (int j = 0; j < n; j++) {
                    double x = (double) a[j] - b[j];
                    t += x * x;
                }
                squaredDistance[i][l] += t;
                squaredDistance[l][i] += t;
            }
        }
    }

    double norm(int i) {
        return Math.sqrt(squaredNorm[i]);
    }

    double[] norms() {
        double[] n = new double[squaredNorm.length];
        for (int i = 0; i < n.length; i++) n[i] = norm(i);
        return n;
    }

    double squaredDistance(int i, int j) {
        return squaredDistance[i][j];
    }

    /** The median of {@code values} (the mean of the two middle ones for an even count). */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    }

    /** min(1, bound / ‖Δ‖): the factor that scales a delta into the ball of radius {@code bound}. */
    static double clipFactor(double norm, double bound) {
        return norm <= bound ? 1.0 : bound / norm;
    }
}
