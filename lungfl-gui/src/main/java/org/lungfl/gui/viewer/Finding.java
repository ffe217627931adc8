package org.lungfl.gui.viewer;

/**
 * One suspicious spot the model points at, placed on the viewer's grid: voxel position (z, y, x),
 * possibly fractional, its radius in mm and the model's score (0..1). A predictor adapter fills it
 * from whatever the model reports; {@link #atPatientMm} places a finding given in patient mm.
 */
public record Finding(double z, double y, double x, double radiusMm, double score) {
    public Finding {
        if (!(score >= 0 && score <= 1)) throw new IllegalArgumentException("a finding's score is in [0, 1], not " + score);
        if (!(radiusMm > 0)) throw new IllegalArgumentException("a finding's radius must be > 0 mm, not " + radiusMm);
    }

    /** A finding at a patient position (LPS, mm) with a diameter in mm, on {@code volume}'s grid. */
    public static Finding atPatientMm(ViewerVolume volume, double[] positionMm, double diameterMm, double score) {
        double[] v = volume.voxelOf(positionMm);
        return new Finding(v[0], v[1], v[2], diameterMm / 2, score);
    }
}
