package org.lungfl.dicom.io;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.codec.ImageDescriptor;

/**
 * One parsed DICOM file: header attributes an importer needs, and its pixel frames decoded on
 * demand. Attribute getters return null (or NaN / empty) when the attribute is absent.
 *
 * <p>Patient-identifying attributes are deliberately not exposed here: nothing downstream of the
 * reader needs them, so nothing downstream can log them.
 */
public interface DicomFile {
    Path path();

    String transferSyntaxUid();

    String sopClassUid();

    String sopInstanceUid();

    String modality();

    /**
     * PatientID, or null. Identifies a patient: never log, print, store or send it. It exists only so
     * the importer can match a {@code PatientID,label} CSV, hashing it into a cache key at once.
     */
    String patientId();

    String studyInstanceUid();

    String seriesInstanceUid();

    /** InstanceNumber, or null. */
    Integer instanceNumber();

    /** ImagePositionPatient (x, y, z) in mm, or null. */
    double[] imagePositionPatient();

    /** ImageOrientationPatient (row cosines, then column cosines), or null. */
    double[] imageOrientationPatient();

    /** PixelSpacing (row spacing, column spacing) in mm, or null. */
    double[] pixelSpacing();

    /** SliceThickness in mm, or NaN. */
    double sliceThickness();

    /** GantryDetectorTilt in degrees, or NaN. */
    double gantryTilt();

    /** RescaleSlope, 1 when absent. */
    double rescaleSlope();

    /** RescaleIntercept, 0 when absent. */
    double rescaleIntercept();

    /** PixelPaddingValue as a stored value (sign-interpreted by PixelRepresentation), or empty. */
    OptionalInt pixelPaddingValue();

    /** The image pixel description, or null when the file has no Pixel Data. */
    ImageDescriptor imageDescriptor();

    /** NumberOfFrames, 1 when absent; 0 when the file has no Pixel Data. */
    int numberOfFrames();

    /**
     * Deviations from the standard tolerated so far, one sentence each, in the order met: those of
     * the header at once, a codec's when a frame is decoded (a JPEG 2000 code-stream narrower than
     * BitsStored, a sequential JPEG scan header with odd Ss/Se). Empty for a clean file.
     */
    List<String> warnings();

    /**
     * Why the Pixel Data does not fit the header (more bytes than Rows × Columns × frames ×
     * BitsAllocated need, beyond one byte of padding), or null. Inspection reports it as a
     * warning; an import skips such a slice, whose true size is unknown.
     */
    String pixelDataMismatch();

    /**
     * The stored values of one frame, masked to BitsStored and sign-extended when
     * PixelRepresentation is 1; row-major, samples interleaved.
     */
    int[] storedFrame(int frame) throws DicomException;

    /**
     * Hounsfield units of one frame: stored value × RescaleSlope + RescaleIntercept for every
     * pixel (the Modality LUT; padding and MONOCHROME1 are presentation matters, applied later).
     */
    float[] huFrame(int frame) throws DicomException;
}
