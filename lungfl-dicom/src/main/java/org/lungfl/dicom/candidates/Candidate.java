package org.lungfl.dicom.candidates;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One place in a patient's volume that looks like a nodule: its voxel (z, y, x) in the cached
 * volume, its position in patient coordinates (LPS, mm), the scale of the blob that was found
 * there (the Gaussian's σ in mm; a ball of diameter d responds most at σ ≈ d / (2√3)) and the
 * detector's score (larger is more blob-like and denser; comparable only within one plan).
 */
public record Candidate(
        @JsonProperty("voxel") int[] voxel,
        @JsonProperty("position_mm") double[] positionMm,
        @JsonProperty("sigma_mm") double sigmaMm,
        @JsonProperty("score") double score) {

    /** Distance to a patient position (LPS, mm). */
    public double distanceMm(double[] lps) {
        double dx = positionMm[0] - lps[0], dy = positionMm[1] - lps[1], dz = positionMm[2] - lps[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
}
