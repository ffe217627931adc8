package org.lungfl.dicom.write;

import java.util.Objects;

/**
 * Everything {@link CtImageWriter} puts into one CT Image Storage object: who and which series
 * (shared by all slices of a series), where this slice is, and its stored pixel values.
 *
 * @param instanceNumber 1-based position in the series
 * @param sliceLocation  mm, along the patient z axis
 */
public record CtImage(Series series, String sopInstanceUid, int instanceNumber, double[] imagePositionPatient,
        double sliceLocation, short[] storedValues) {

    public CtImage {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        if (imagePositionPatient == null || imagePositionPatient.length != 3) throw new IllegalArgumentException("imagePositionPatient needs 3 values");
        if (storedValues == null || storedValues.length != series.rows() * series.columns()) {
            throw new IllegalArgumentException("storedValues must hold rows × columns values");
        }
    }

    /**
     * Attributes shared by every slice of one series: synthetic identity, study and series UIDs,
     * protocol and pixel encoding.
     *
     * @param studyDate           DA (yyyyMMdd); synthetic data uses fixed made-up dates
     * @param studyTime           TM (HHmmss)
     * @param pixelSpacing        row spacing, column spacing in mm
     * @param signed              PixelRepresentation 1 (two's complement) or 0 (unsigned)
     * @param bitsStored          12..16 (BitsAllocated is always 16)
     * @param windowCenter        default VOI window, HU
     */
    public record Series(
            String patientName, String patientId, String patientSex, String studyInstanceUid, String seriesInstanceUid,
            String frameOfReferenceUid, String studyId, String accessionNumber, String studyDate, String studyTime,
            int seriesNumber, String studyDescription, String seriesDescription, String manufacturer,
            String manufacturerModelName, String institutionName, double kvp, int rows, int columns, double[] pixelSpacing,
            double sliceThickness, double spacingBetweenSlices, double[] imageOrientationPatient, boolean signed,
            int bitsStored, double rescaleIntercept, double rescaleSlope, double windowCenter, double windowWidth) {

        public Series {
            if (rows <= 0 || columns <= 0) throw new IllegalArgumentException("rows and columns must be positive");
            if (bitsStored < 12 || bitsStored > 16) throw new IllegalArgumentException("CT BitsStored must be 12..16, got " + bitsStored);
            if (pixelSpacing == null || pixelSpacing.length != 2) throw new IllegalArgumentException("pixelSpacing needs 2 values");
            if (imageOrientationPatient == null || imageOrientationPatient.length != 6) throw new IllegalArgumentException("imageOrientationPatient needs 6 values");
        }
    }
}
