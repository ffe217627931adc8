package org.lungfl.dicom.series;

import java.util.List;

/**
 * One series ready to become a volume: its slices sorted along the slice normal, the geometry they
 * share and what was wrong with it.
 *
 * @param slices the usable slices in ascending position along {@link #normal}
 * @param positions each slice's position along the normal, in mm (same order as slices)
 * @param sliceSpacing the median distance between neighbouring positions, mm (NaN below 2 slices)
 * @param pixelSpacing (row spacing, column spacing) in mm, i.e. (y, x)
 * @param files how many files carried this SeriesInstanceUID, usable or not
 */
public record CtSeries(
        String seriesInstanceUid,
        String modality,
        List<SliceHeader> slices,
        double[] positions,
        double[] normal,
        double[] orientation,
        double[] pixelSpacing,
        int rows,
        int columns,
        double sliceSpacing,
        int files,
        List<SeriesWarning> warnings) {

    /** Cosine of the largest angle between slice normal and the patient's feet-head axis still called axial. */
    private static final double AXIAL_COS = Math.cos(Math.toRadians(30));

    public int sliceCount() {
        return slices.size();
    }

    public boolean isCt() {
        return "CT".equalsIgnoreCase(modality);
    }

    /** Slices roughly perpendicular to the feet-head axis (a tilted gantry still counts). */
    public boolean isAxial() {
        return normal != null && Math.abs(normal[2]) >= AXIAL_COS;
    }

    /** Distance from the first to the last slice along the normal, mm. */
    public double extentMm() {
        return positions.length < 2 ? 0 : positions[positions.length - 1] - positions[0];
    }

    public boolean has(SeriesWarning.Kind kind) {
        return warnings.stream().anyMatch(w -> w.kind() == kind);
    }

    /** "CT, axial, 120 slices at 2.50 mm, 512x512": how the series is named to a user. */
    public String describe() {
        String orient = normal == null ? "no orientation" : isAxial() ? "axial" : "not axial";
        String spacing = Double.isNaN(sliceSpacing) ? "" : String.format(java.util.Locale.ROOT, " at %.2f mm", sliceSpacing);
        return (modality == null ? "no modality" : modality) + ", " + orient + ", " + sliceCount() + " slices" + spacing
                + (rows > 0 ? ", " + columns + "x" + rows : "");
    }
}
