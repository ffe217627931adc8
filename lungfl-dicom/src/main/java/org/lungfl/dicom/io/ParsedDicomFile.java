package org.lungfl.dicom.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.codec.ImageDescriptor;

/** A {@link DicomFile} whose header attributes were parsed and checked once, at read time. */
final class ParsedDicomFile implements DicomFile {
    /** Larger frames than 8192 x 8192 samples are refused before any decoder allocates for them. */
    static final int MAX_SAMPLES_PER_FRAME = 1 << 26;

    private final Path path;
    private final TransferSyntax syntax;
    private final DicomObject ds;
    private final Integer instanceNumber;
    private final double[] position;
    private final double[] orientation;
    private final double[] spacing;
    private final double sliceThickness;
    private final double gantryTilt;
    private final double slope;
    private final double intercept;
    private final OptionalInt padding;
    private final ImageDescriptor descriptor;
    private final int frames;
    private final PixelFrames pixels;
    /** Deviations tolerated while reading and decoding, in the order met; frames may be decoded on several threads. */
    private final Set<String> warnings = Collections.synchronizedSet(new LinkedHashSet<>());
    private String surplusPixelData;

    ParsedDicomFile(Path path, TransferSyntax syntax, DicomObject ds, List<String> parseWarnings) throws DicomException {
        this.path = path;
        this.syntax = syntax;
        this.ds = ds;
        warnings.addAll(parseWarnings);
        this.instanceNumber = integerString(Tag.INSTANCE_NUMBER, "InstanceNumber");
        this.position = decimals(Tag.IMAGE_POSITION_PATIENT, "ImagePositionPatient", 3);
        this.orientation = decimals(Tag.IMAGE_ORIENTATION_PATIENT, "ImageOrientationPatient", 6);
        this.spacing = decimals(Tag.PIXEL_SPACING, "PixelSpacing", 2);
        this.sliceThickness = decimal(Tag.SLICE_THICKNESS, "SliceThickness", Double.NaN);
        this.gantryTilt = decimal(Tag.GANTRY_DETECTOR_TILT, "GantryDetectorTilt", Double.NaN);
        this.slope = decimal(Tag.RESCALE_SLOPE, "RescaleSlope", 1);
        this.intercept = decimal(Tag.RESCALE_INTERCEPT, "RescaleIntercept", 0);
        DicomElement pixelData = ds.get(Tag.PIXEL_DATA);
        if (pixelData == null) {
            if (isImageStorage()) {
                throw fail("no Pixel Data in a " + (CT_IMAGE.equals(sopClassUid()) ? "CT" : "") + " image ("
                        + (ds.contains(Tag.ROWS) ? "" : "no Rows either; ") + "truncated or not an image)");
            }
            descriptor = null;
            frames = 0;
            pixels = null;
            padding = OptionalInt.empty();
            return;
        }
        descriptor = describeImage();
        Integer nf = integerString(Tag.NUMBER_OF_FRAMES, "NumberOfFrames");
        frames = nf == null ? 1 : nf;
        if (frames < 1) throw fail("NumberOfFrames is " + frames);
        Integer pad = ds.uint16(Tag.PIXEL_PADDING_VALUE);
        padding = pad == null ? OptionalInt.empty() : OptionalInt.of(descriptor.signed() ? (short) (int) pad : pad);
        if (pixelData.isEncapsulated()) {
            if (!syntax.encapsulated()) throw fail("encapsulated Pixel Data in the native transfer syntax " + syntax.uid());
            pixels = new EncapsulatedFrames(path, syntax, ds.buffer(), pixelData.fragments(), descriptor, frames, warnings::add);
        } else {
            if (syntax.encapsulated()) throw fail("transfer syntax " + syntax.uid() + " needs encapsulated Pixel Data, found native");
            long need = NativeFrames.frameBytes(descriptor) * frames;
            if (pixelData.length() < need)
                throw fail("Pixel Data holds " + pixelData.length() + " bytes but " + frames + " frame(s) of " + descriptor.rows() + "x"
                        + descriptor.columns() + "x" + descriptor.bitsAllocated() + " bits need " + need);
            // one byte of padding makes an odd length even; anything more means header and data disagree
            if (pixelData.length() > need + (need & 1)) {
                surplusPixelData = "Pixel Data holds " + pixelData.length() + " bytes but " + frames + " frame(s) of " + descriptor.rows()
                        + "x" + descriptor.columns() + "x" + descriptor.bitsAllocated() + " bits need " + need + ": "
                        + (pixelData.length() - need) + " surplus bytes (the header and the data disagree)";
                warnings.add(surplusPixelData);
            }
            boolean swap8 = syntax.bigEndian() && descriptor.bitsAllocated() == 8 && pixelData.vrCode() == Vr.OW;
            pixels = new NativeFrames(ds.buffer(), pixelData.offset(), descriptor, syntax.bigEndian(), swap8);
        }
    }

    private static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
    private static final String ENHANCED_CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2.1";

    /**
     * CT images (and anything else saying CT with image attributes) must carry pixels: without
     * them the file was cut short, and reporting it as read would hide that.
     */
    private boolean isImageStorage() {
        String sop = sopClassUid();
        if (CT_IMAGE.equals(sop) || ENHANCED_CT_IMAGE.equals(sop)) return true;
        return sop == null && "CT".equals(modality()) && ds.contains(Tag.ROWS);
    }

    private ImageDescriptor describeImage() throws DicomException {
        int rows = required(Tag.ROWS, "Rows");
        int columns = required(Tag.COLUMNS, "Columns");
        int bitsAllocated = required(Tag.BITS_ALLOCATED, "BitsAllocated");
        int bitsStored = orDefault(Tag.BITS_STORED, bitsAllocated);
        int highBit = orDefault(Tag.HIGH_BIT, bitsStored - 1);
        int pixelRepresentation = orDefault(Tag.PIXEL_REPRESENTATION, 0);
        int samples = orDefault(Tag.SAMPLES_PER_PIXEL, 1);
        int planar = orDefault(Tag.PLANAR_CONFIGURATION, 0);
        String photometric = ds.string(Tag.PHOTOMETRIC_INTERPRETATION);
        if (rows == 0 || columns == 0) throw fail("image of " + rows + "x" + columns + " pixels");
        if (bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32)
            throw fail("BitsAllocated " + bitsAllocated + " is not supported (8, 16 or 32)");
        if (bitsStored < 1 || bitsStored > bitsAllocated) throw fail("BitsStored " + bitsStored + " with BitsAllocated " + bitsAllocated);
        if (highBit != bitsStored - 1) throw fail("HighBit " + highBit + " with BitsStored " + bitsStored + " is not supported");
        if (pixelRepresentation > 1) throw fail("PixelRepresentation " + pixelRepresentation);
        if (bitsStored == 32 && pixelRepresentation == 0) throw fail("unsigned 32-bit pixels are not supported");
        if (samples != 1 && samples != 3) throw fail("SamplesPerPixel " + samples);
        if (planar > 1) throw fail("PlanarConfiguration " + planar);
        if ((long) rows * columns * samples > MAX_SAMPLES_PER_FRAME)
            throw fail("image of " + rows + "x" + columns + "x" + samples + " samples is too large");
        return new ImageDescriptor(rows, columns, samples, bitsAllocated, bitsStored, highBit, pixelRepresentation,
                photometric == null ? (samples == 1 ? "MONOCHROME2" : "RGB") : photometric, planar);
    }

    private int required(int tag, String keyword) throws DicomException {
        Integer v = ds.uint16(tag);
        if (v == null) throw fail("Pixel Data without " + keyword);
        return v;
    }

    private int orDefault(int tag, int dflt) {
        Integer v = ds.uint16(tag);
        return v == null ? dflt : v;
    }

    private Integer integerString(int tag, String keyword) throws DicomException {
        try {
            return ds.integerString(tag);
        } catch (NumberFormatException e) {
            throw fail(keyword + " '" + Parser.printable(ds.string(tag)) + "' is not an integer");
        }
    }

    private double[] decimals(int tag, String keyword, int count) throws DicomException {
        double[] v;
        try {
            v = ds.decimals(tag);
        } catch (NumberFormatException e) {
            throw fail(keyword + " '" + Parser.printable(ds.string(tag)) + "' is not a list of decimals");
        }
        if (v != null && v.length != count) throw fail(keyword + " has " + v.length + " values, expected " + count);
        return v;
    }

    private double decimal(int tag, String keyword, double dflt) throws DicomException {
        double[] v;
        try {
            v = ds.decimals(tag);
        } catch (NumberFormatException e) {
            throw fail(keyword + " '" + Parser.printable(ds.string(tag)) + "' is not a decimal");
        }
        return v == null ? dflt : v[0];
    }

    private DicomException fail(String reason) {
        return new DicomException(path, reason);
    }

    /** The whole data set, for inspection. */
    DicomObject dataset() { return ds; }

    /** Where the frames come from, or null without Pixel Data. */
    PixelFrames pixels() { return pixels; }

    @Override public Path path() { return path; }
    @Override public String transferSyntaxUid() { return syntax.uid(); }
    @Override public String sopClassUid() { return ds.string(Tag.SOP_CLASS_UID); }
    @Override public String sopInstanceUid() { return ds.string(Tag.SOP_INSTANCE_UID); }
    @Override public String modality() { return ds.string(Tag.MODALITY); }
    @Override public String patientId() { return ds.string(Tag.PATIENT_ID); }
    @Override public String studyInstanceUid() { return ds.string(Tag.STUDY_INSTANCE_UID); }
    @Override public String seriesInstanceUid() { return ds.string(Tag.SERIES_INSTANCE_UID); }
    @Override public Integer instanceNumber() { return instanceNumber; }
    @Override public double[] imagePositionPatient() { return position == null ? null : position.clone(); }
    @Override public double[] imageOrientationPatient() { return orientation == null ? null : orientation.clone(); }
    @Override public double[] pixelSpacing() { return spacing == null ? null : spacing.clone(); }
    @Override public double sliceThickness() { return sliceThickness; }
    @Override public double gantryTilt() { return gantryTilt; }
    @Override public double rescaleSlope() { return slope; }
    @Override public double rescaleIntercept() { return intercept; }
    @Override public OptionalInt pixelPaddingValue() { return padding; }
    @Override public ImageDescriptor imageDescriptor() { return descriptor; }
    @Override public int numberOfFrames() { return frames; }

    @Override
    public List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(new ArrayList<>(warnings));
        }
    }

    @Override
    public String pixelDataMismatch() { return surplusPixelData; }

    @Override
    public int[] storedFrame(int frame) throws DicomException {
        checkFrame(frame);
        return pixels.stored(frame);
    }

    @Override
    public float[] huFrame(int frame) throws DicomException {
        checkFrame(frame);
        if (descriptor.samplesPerPixel() != 1) throw fail(descriptor.photometricInterpretation() + " image has no Hounsfield units");
        return pixels.hu(frame, slope, intercept);
    }

    private void checkFrame(int frame) throws DicomException {
        if (pixels == null) throw fail("no Pixel Data");
        if (frame < 0 || frame >= frames) throw new IndexOutOfBoundsException("frame " + frame + " of " + frames);
    }
}
