package org.lungfl.gui.viewer;

import java.util.Arrays;

/**
 * A study's CT as the slice viewer shows it: Hounsfield units on a regular grid
 * {@code hu[(z * height + y) * width + x]}, with where that grid lies in the patient. Voxel
 * (0, 0, 0) is the first pixel of the lowest slice along the slice normal; x runs along the
 * images' rows ({@code rowDirection}), y along their columns, z along the normal. Positions are
 * DICOM patient coordinates (LPS, mm), so a finding given in millimetres lands on the right voxel.
 *
 * @param spacing (z, y, x) in mm
 * @param origin patient position of voxel (0, 0, 0), mm
 * @param description the series as a user would name it (no patient data)
 */
public record ViewerVolume(int depth, int height, int width, short[] hu, double[] spacing, double[] origin, double[] rowDirection,
        double[] columnDirection, double[] normal, String description) {
    public ViewerVolume {
        if (depth < 1 || height < 1 || width < 1 || (long) depth * height * width != hu.length) {
            throw new IllegalArgumentException("volume " + depth + "x" + height + "x" + width + " does not hold " + hu.length + " values");
        }
        for (double[] v : new double[][] {spacing, origin, rowDirection, columnDirection, normal}) {
            if (v.length != 3) throw new IllegalArgumentException("geometry vectors have 3 components: " + Arrays.toString(v));
        }
    }

    public short at(int z, int y, int x) {
        return hu[(z * height + y) * width + x];
    }

    /** The (z, y, x) voxel position, fractional, of a patient position in mm. */
    public double[] voxelOf(double[] patientMm) {
        double[] d = {patientMm[0] - origin[0], patientMm[1] - origin[1], patientMm[2] - origin[2]};
        return new double[] {dot(d, normal) / spacing[0], dot(d, columnDirection) / spacing[1], dot(d, rowDirection) / spacing[2]};
    }

    /** The patient position in mm of a (possibly fractional) voxel position. */
    public double[] patientMm(double z, double y, double x) {
        double[] p = new double[3];
        for (int i = 0; i < 3; i++) {
            p[i] = origin[i] + z * spacing[0] * normal[i] + y * spacing[1] * columnDirection[i] + x * spacing[2] * rowDirection[i];
        }
        return p;
    }

    /** Whether the patient's head is towards higher z (LPS: +z is superior), so a coronal view shows z upside down. */
    public boolean headTowardsHigherZ() {
        return normal[2] >= 0;
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }
}
