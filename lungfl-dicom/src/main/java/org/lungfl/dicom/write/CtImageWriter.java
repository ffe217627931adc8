package org.lungfl.dicom.write;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.io.TransferSyntax;

/**
 * Writes CT Image Storage objects (PS3.10 files): 128-byte preamble, "DICM", the file meta group
 * in explicit VR little endian, then the data set in the requested transfer syntax. The data set
 * carries every Type 1 and Type 2 attribute of the CT Image IOD's mandatory modules (Patient,
 * General Study, General Series, Frame of Reference, General Equipment, General Image, Image Plane,
 * Image Pixel, CT Image, VOI LUT, SOP Common) that dciodvfy checks.
 */
public final class CtImageWriter {
    public static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final List<TransferSyntax> SUPPORTED = List.of(
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.RLE_LOSSLESS);
    private static final String SOFTWARE_VERSION = "LungFL synth 1";

    private final TransferSyntax syntax;

    public CtImageWriter(TransferSyntax syntax) {
        if (!SUPPORTED.contains(syntax)) throw new IllegalArgumentException("cannot write transfer syntax " + syntax);
        this.syntax = syntax;
    }

    public TransferSyntax syntax() { return syntax; }

    public void write(CtImage image, Path file) {
        try {
            Files.write(file, encode(image));
        } catch (IOException e) {
            throw new DicomException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    /** The complete Part 10 file. */
    public byte[] encode(CtImage image) {
        byte[] dataSet = dataSet(image);
        if (syntax.deflated()) dataSet = deflate(dataSet);
        byte[] meta = fileMeta(image.sopInstanceUid());
        byte[] file = new byte[128 + 4 + meta.length + dataSet.length];
        file[128] = 'D'; file[129] = 'I'; file[130] = 'C'; file[131] = 'M';
        System.arraycopy(meta, 0, file, 132, meta.length);
        System.arraycopy(dataSet, 0, file, 132 + meta.length, dataSet.length);
        return file;
    }

    private byte[] fileMeta(String sopInstanceUid) {
        ElementWriter body = new ElementWriter(true, false, 256)
                .ob(0x00020001, new byte[] {0, 1})
                .text(0x00020002, "UI", CT_IMAGE_STORAGE)
                .text(0x00020003, "UI", sopInstanceUid)
                .text(0x00020010, "UI", syntax.uid())
                .text(0x00020012, "UI", Uids.IMPLEMENTATION_CLASS_UID)
                .text(0x00020013, "SH", Uids.IMPLEMENTATION_VERSION_NAME);
        byte[] rest = body.toByteArray();
        ElementWriter group = new ElementWriter(true, false, rest.length + 12).ul(0x00020000, rest.length);
        byte[] head = group.toByteArray();
        byte[] meta = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, meta, head.length, rest.length);
        return meta;
    }

    private byte[] dataSet(CtImage img) {
        CtImage.Series s = img.series();
        boolean explicit = syntax.explicitVr();
        ElementWriter w = new ElementWriter(explicit, syntax.bigEndian(), s.rows() * s.columns() * 2 + 4096);
        w.text(0x00080008, "CS", "ORIGINAL\\PRIMARY\\AXIAL")
                .text(0x00080016, "UI", CT_IMAGE_STORAGE)
                .text(0x00080018, "UI", img.sopInstanceUid())
                .text(0x00080020, "DA", s.studyDate())
                .text(0x00080021, "DA", s.studyDate())
                .text(0x00080023, "DA", s.studyDate())
                .text(0x00080030, "TM", s.studyTime())
                .text(0x00080031, "TM", s.studyTime())
                .text(0x00080033, "TM", s.studyTime())
                .text(0x00080050, "SH", s.accessionNumber())
                .text(0x00080060, "CS", "CT")
                .text(0x00080070, "LO", s.manufacturer())
                .text(0x00080080, "LO", s.institutionName())
                .text(0x00080090, "PN", "")
                .text(0x00081030, "LO", s.studyDescription())
                .text(0x0008103E, "LO", s.seriesDescription())
                .text(0x00081090, "LO", s.manufacturerModelName())
                .text(0x00100010, "PN", s.patientName())
                .text(0x00100020, "LO", s.patientId())
                .text(0x00100030, "DA", "")
                .text(0x00100040, "CS", s.patientSex())
                .text(0x00120062, "CS", "YES")
                .text(0x00120063, "LO", "Synthetic phantom, no real patient")
                .text(0x00180015, "CS", "CHEST")
                .text(0x00180050, "DS", ds(s.sliceThickness()))
                .text(0x00180060, "DS", ds(s.kvp()))
                .text(0x00180088, "DS", ds(s.spacingBetweenSlices()))
                .text(0x00181020, "LO", SOFTWARE_VERSION)
                .text(0x00185100, "CS", "HFS")
                .text(0x0020000D, "UI", s.studyInstanceUid())
                .text(0x0020000E, "UI", s.seriesInstanceUid())
                .text(0x00200010, "SH", s.studyId())
                .text(0x00200011, "IS", Integer.toString(s.seriesNumber()))
                .text(0x00200012, "IS", "1")
                .text(0x00200013, "IS", Integer.toString(img.instanceNumber()))
                .text(0x00200032, "DS", ds(img.imagePositionPatient()))
                .text(0x00200037, "DS", ds(s.imageOrientationPatient()))
                .text(0x00200052, "UI", s.frameOfReferenceUid())
                .text(0x00201040, "LO", "")
                .text(0x00201041, "DS", ds(img.sliceLocation()))
                .us(0x00280002, 1)
                .text(0x00280004, "CS", "MONOCHROME2")
                .us(0x00280010, s.rows())
                .us(0x00280011, s.columns())
                .text(0x00280030, "DS", ds(s.pixelSpacing()))
                .us(0x00280100, 16)
                .us(0x00280101, s.bitsStored())
                .us(0x00280102, s.bitsStored() - 1)
                .us(0x00280103, s.signed() ? 1 : 0)
                .text(0x00281050, "DS", ds(s.windowCenter()))
                .text(0x00281051, "DS", ds(s.windowWidth()))
                .text(0x00281052, "DS", ds(s.rescaleIntercept()))
                .text(0x00281053, "DS", ds(s.rescaleSlope()))
                .text(0x00281054, "LO", "HU");
        if (syntax == TransferSyntax.RLE_LOSSLESS) {
            List<byte[]> fragments = new ArrayList<>(1);
            fragments.add(RleEncoder.encode16(img.storedValues(), s.rows(), s.columns()));
            w.encapsulated(0x7FE00010, fragments);
        } else {
            w.ow(0x7FE00010, img.storedValues());
        }
        return w.toByteArray();
    }

    /**
     * Deflated explicit VR LE (PS3.5 §A.5): the data set as a raw deflate stream, no zlib header.
     * Fastest level: noisy CT pixels barely compress better at higher levels but cost 4× the time.
     */
    private static byte[] deflate(byte[] dataSet) {
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        try {
            d.setInput(dataSet);
            d.finish();
            byte[] out = new byte[dataSet.length / 2 + 1024];
            int n = 0;
            while (!d.finished()) {
                if (n == out.length) out = Arrays.copyOf(out, out.length * 2);
                n += d.deflate(out, n, out.length - n);
            }
            return Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }

    /** Decimal String values joined by backslash, each at most 16 characters (PS3.5 Table 6.2-1). */
    static String ds(double... values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append('\\');
            sb.append(ds(values[i]));
        }
        return sb.toString();
    }

    static String ds(double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("DS value must be finite: " + v);
        if (v == 0) return "0";
        for (int digits = 12; digits > 0; digits--) {
            String s = new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
            if (s.length() <= 16) return s;
        }
        throw new IllegalArgumentException("DS value does not fit 16 characters: " + v);
    }
}
