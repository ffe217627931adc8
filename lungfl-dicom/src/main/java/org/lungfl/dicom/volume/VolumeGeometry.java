package org.lungfl.dicom.volume;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import org.lungfl.dicom.series.CtSeries;
import org.lungfl.dicom.series.SliceHeader;

/**
 * Where a volume's voxels are in the patient. Voxel (z, y, x) is at
 * {@code origin + x·sx·row + y·sy·column + z·sz·normal} in DICOM patient coordinates (LPS: x to
 * the patient's left, y to posterior, z to the head; mm), with {@code spacing = (sz, sy, sx)}.
 * {@code row} and {@code column} are the images' ImageOrientationPatient cosines (the directions in
 * which column and row indices grow), {@code normal} their cross product, along which slices were
 * sorted. This is how a finding in a volume becomes a position a radiologist can find in the
 * original series, and how an annotation in mm becomes a voxel.
 */
public record VolumeGeometry(
        @JsonProperty("origin_mm") double[] origin,
        @JsonProperty("row") double[] row,
        @JsonProperty("column") double[] column,
        @JsonProperty("normal") double[] normal,
        @JsonProperty("spacing_mm") double[] spacing) {

    public VolumeGeometry {
        for (double[] v : new double[][] {origin, row, column, normal, spacing}) {
            if (v == null || v.length != 3) throw new IllegalArgumentException("geometry vectors must have 3 components");
        }
        for (double s : spacing) if (!(s > 0)) throw new IllegalArgumentException("spacing must be positive: " + Arrays.toString(spacing));
    }

    /**
     * The grid {@link VolumeStacker} builds from a series: slices resampled in-plane from each
     * image's first pixel, stacked from the first slice's position along the normal. Gantry tilt is
     * not corrected (series assembly warns about it), so the first image's position anchors all.
     */
    public static VolumeGeometry of(CtSeries series, double[] spacingMm) {
        SliceHeader first = series.slices().get(0);
        double[] o = series.orientation();
        return new VolumeGeometry(first.position().clone(), new double[] {o[0], o[1], o[2]}, new double[] {o[3], o[4], o[5]},
                series.normal().clone(), spacingMm.clone());
    }

    /** Patient position (x, y, z in LPS, mm) of a voxel, fractional indices allowed. */
    public double[] toPatient(double z, double y, double x) {
        double dz = z * spacing[0], dy = y * spacing[1], dx = x * spacing[2];
        double[] p = new double[3];
        for (int i = 0; i < 3; i++) p[i] = origin[i] + dx * row[i] + dy * column[i] + dz * normal[i];
        return p;
    }

    /** Fractional voxel index (z, y, x) of a patient position (LPS, mm): the inverse of {@link #toPatient}. */
    public double[] toVoxel(double[] lps) {
        double[] d = {lps[0] - origin[0], lps[1] - origin[1], lps[2] - origin[2]};
        // row and column are orthonormal cosines and normal is their cross product, so projecting inverts.
        return new double[] {dot(d, normal) / spacing[0], dot(d, column) / spacing[1], dot(d, row) / spacing[2]};
    }

    /** The same axes and spacing for a sub-volume starting at voxel (z0, y0, x0). */
    public VolumeGeometry cropped(int z0, int y0, int x0) {
        return new VolumeGeometry(toPatient(z0, y0, x0), row, column, normal, spacing);
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VolumeGeometry g && Arrays.equals(origin, g.origin) && Arrays.equals(row, g.row)
                && Arrays.equals(column, g.column) && Arrays.equals(normal, g.normal) && Arrays.equals(spacing, g.spacing);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {origin, row, column, normal, spacing});
    }

    @Override
    public String toString() {
        return "VolumeGeometry[origin " + Arrays.toString(origin) + ", row " + Arrays.toString(row) + ", column "
                + Arrays.toString(column) + ", normal " + Arrays.toString(normal) + ", spacing " + Arrays.toString(spacing) + "]";
    }
}
