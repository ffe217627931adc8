package org.lungfl.dicom.dataset;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An annotated nodule: centre in patient coordinates (LPS, mm), diameter in mm, and whether it is
 * malignant (the positive class for training). From LungFL's {@code nodules.csv} or a
 * LUNA16-style {@code annotations.csv}.
 */
public record Nodule(
        @JsonProperty("position_mm") double[] positionMm,
        @JsonProperty("diameter_mm") double diameterMm,
        @JsonProperty("malignant") boolean malignant) {

    /**
     * Whether a point (LPS, mm) lies on this nodule: within its radius, or within {@code minMm} of
     * its centre for nodules smaller than that (a candidate a voxel or two off a 4 mm nodule found it).
     */
    public boolean covers(double[] lps, double minMm) {
        double dx = positionMm[0] - lps[0], dy = positionMm[1] - lps[1], dz = positionMm[2] - lps[2];
        double r = Math.max(diameterMm / 2, minMm);
        return dx * dx + dy * dy + dz * dz <= r * r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nodule n && java.util.Arrays.equals(positionMm, n.positionMm)
                && Double.compare(diameterMm, n.diameterMm) == 0 && malignant == n.malignant;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(java.util.Arrays.hashCode(positionMm), diameterMm, malignant);
    }

    @Override
    public String toString() {
        return "Nodule[" + java.util.Arrays.toString(positionMm) + ", " + diameterMm + " mm" + (malignant ? ", malignant" : "") + "]";
    }
}
