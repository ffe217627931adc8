package org.lungfl.dicom.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.codec.ImageDescriptor;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.DicomReader;

/**
 * What {@code lungfl dicom inspect} reports for one file: the header attributes an importer relies
 * on, under their DICOM keywords, the HU statistics and the deviations from the standard that were
 * tolerated ({@code warnings}); or the reason the file cannot be read.
 * Patient-identifying attributes are never part of it.
 */
public final class DicomInspection {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Map<String, Object> fields;
    private final String error;

    private DicomInspection(Path path, Map<String, Object> fields, String error) {
        this.path = path;
        this.fields = fields;
        this.error = error;
    }

    /** Reads and decodes the whole file; never throws for a bad file, the result carries the error. */
    public static DicomInspection of(Path path) {
        try {
            DicomFile file = DicomReader.read(path);
            Map<String, Object> f = header(file);
            // A file without pixels (a report, a DICOMDIR) or in colour reads fine; it just has no HU.
            boolean hasHu = file.numberOfFrames() > 0 && file.imageDescriptor().samplesPerPixel() == 1;
            HuStatistics hu = hasHu ? HuStatistics.of(file) : null;
            f.put("hu_min", hasHu ? hu.min() : null);
            f.put("hu_max", hasHu ? hu.max() : null);
            f.put("hu_mean", hasHu ? hu.mean() : null);
            f.put("hu_sum", hasHu ? hu.sum() : null);
            f.put("hu_sha256", hasHu ? hu.sha256() : null);
            // after decoding, so a codec's warnings are in too
            f.put("warnings", file.warnings());
            return new DicomInspection(path, f, null);
        } catch (DicomException e) {
            return new DicomInspection(path, new LinkedHashMap<>(), e.getMessage());
        } catch (OutOfMemoryError e) {
            // one file too large for this JVM must not end an inspection of many
            return new DicomInspection(path, new LinkedHashMap<>(), path + ": not enough memory to decode it (" + e.getMessage() + ")");
        }
    }

    /** A path that was found but not read (a FIFO, a socket, a symbolic link loop), with the reason. */
    public static DicomInspection skipped(Path path, String reason) {
        return new DicomInspection(path, new LinkedHashMap<>(), path + ": " + reason + " (skipped)");
    }

    private static Map<String, Object> header(DicomFile file) {
        Map<String, Object> f = new LinkedHashMap<>();
        ImageDescriptor d = file.imageDescriptor();
        f.put("TransferSyntaxUID", file.transferSyntaxUid());
        f.put("SOPClassUID", file.sopClassUid());
        f.put("Modality", file.modality());
        f.put("Rows", d == null ? null : d.rows());
        f.put("Columns", d == null ? null : d.columns());
        f.put("NumberOfFrames", file.numberOfFrames());
        f.put("BitsAllocated", d == null ? null : d.bitsAllocated());
        f.put("BitsStored", d == null ? null : d.bitsStored());
        f.put("PixelRepresentation", d == null ? null : d.pixelRepresentation());
        f.put("PhotometricInterpretation", d == null ? null : d.photometricInterpretation());
        f.put("RescaleSlope", file.rescaleSlope());
        f.put("RescaleIntercept", file.rescaleIntercept());
        f.put("SeriesInstanceUID", file.seriesInstanceUid());
        f.put("InstanceNumber", file.instanceNumber());
        f.put("ImagePositionPatient", file.imagePositionPatient());
        f.put("ImageOrientationPatient", file.imageOrientationPatient());
        f.put("PixelSpacing", file.pixelSpacing());
        f.put("SliceThickness", Double.isNaN(file.sliceThickness()) ? null : file.sliceThickness());
        return f;
    }

    public Path path() { return path; }

    public boolean ok() { return error == null; }

    /** The one-line reason ("FILE: reason"), or null when the file was read. */
    public String error() { return error; }

    /** One JSON object: {@code path}, the keywords and {@code hu_*}, or {@code path} and {@code error}. */
    public String toJsonLine() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", path.toString());
        if (error != null) out.put("error", error);
        else out.putAll(fields);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compact human-readable block, one attribute group per line. */
    public String toText() {
        if (error != null) return path + "\n  error: " + error + "\n";
        StringBuilder s = new StringBuilder().append(path).append('\n');
        line(s, "syntax", fields.get("TransferSyntaxUID"));
        line(s, "SOP class", fields.get("SOPClassUID") + "  modality " + fields.get("Modality"));
        line(s, "image", fields.get("Rows") + "x" + fields.get("Columns") + "  frames " + fields.get("NumberOfFrames")
                + "  bits " + fields.get("BitsStored") + "/" + fields.get("BitsAllocated")
                + ("1".equals(String.valueOf(fields.get("PixelRepresentation"))) ? " signed" : " unsigned")
                + "  " + fields.get("PhotometricInterpretation"));
        line(s, "rescale", "slope " + num(fields.get("RescaleSlope")) + "  intercept " + num(fields.get("RescaleIntercept")));
        line(s, "series", fields.get("SeriesInstanceUID") + "  instance " + fields.get("InstanceNumber"));
        line(s, "geometry", "position " + list(fields.get("ImagePositionPatient")) + "  orientation "
                + list(fields.get("ImageOrientationPatient")) + "  spacing " + list(fields.get("PixelSpacing"))
                + "  thickness " + num(fields.get("SliceThickness")));
        if (fields.get("hu_mean") instanceof Double mean) {
            line(s, "HU", "min " + num(fields.get("hu_min")) + "  max " + num(fields.get("hu_max")) + "  mean "
                    + String.format(Locale.ROOT, "%.3f", mean) + "  sum " + fields.get("hu_sum"));
            line(s, "HU sha256", fields.get("hu_sha256"));
        } else {
            line(s, "HU", "none (no grayscale Pixel Data)");
        }
        if (fields.get("warnings") instanceof java.util.List<?> warnings) {
            for (Object w : warnings) line(s, "warning", w);
        }
        return s.toString();
    }

    private static void line(StringBuilder s, String label, Object value) {
        s.append("  ").append(String.format(Locale.ROOT, "%-10s", label)).append(value).append('\n');
    }

    private static String num(Object v) {
        if (!(v instanceof Double d)) return String.valueOf(v);
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : Double.toString(d);
    }

    private static String list(Object v) {
        if (!(v instanceof double[] a)) return "-";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < a.length; i++) s.append(i == 0 ? "" : "\\").append(num(a[i]));
        return s.toString();
    }
}
