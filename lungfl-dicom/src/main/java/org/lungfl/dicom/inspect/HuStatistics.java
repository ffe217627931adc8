package org.lungfl.dicom.inspect;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.io.DicomFile;

/**
 * Statistics of the Hounsfield units of every frame of a file: HU = stored × RescaleSlope +
 * RescaleIntercept in double precision (the Modality LUT; padding and MONOCHROME1 do not change it).
 *
 * <p>{@code sum} and {@code sha256} use HU rounded to the nearest integer, <b>ties to even</b>
 * ({@link Math#rint}, IEEE 754 roundTiesToEven, the same as numpy's {@code np.rint}), so an
 * independent implementation agrees bit for bit. The digest covers the rounded values as 32-bit
 * little-endian signed integers in frame, row, column order (the idea of {@code gdcminfo --md5sum},
 * taken to HU).
 */
public record HuStatistics(long count, double min, double max, double mean, long sum, String sha256) {

    public static HuStatistics of(DicomFile file) throws DicomException {
        if (file.numberOfFrames() == 0) throw new DicomException(file.path(), "no Pixel Data");
        if (file.imageDescriptor().samplesPerPixel() != 1)
            throw new DicomException(file.path(), file.imageDescriptor().photometricInterpretation() + " image has no Hounsfield units");
        MessageDigest sha = newSha256();
        double slope = file.rescaleSlope(), intercept = file.rescaleIntercept();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, total = 0;
        long sum = 0, count = 0;
        byte[] le = new byte[0];
        for (int f = 0; f < file.numberOfFrames(); f++) {
            int[] stored = file.storedFrame(f);
            if (le.length != stored.length * 4) le = new byte[stored.length * 4];
            for (int i = 0, p = 0; i < stored.length; i++, p += 4) {
                double hu = stored[i] * slope + intercept;
                if (hu < min) min = hu;
                if (hu > max) max = hu;
                total += hu;
                long r = (long) Math.rint(hu);
                sum += r;
                int v = (int) r;
                le[p] = (byte) v;
                le[p + 1] = (byte) (v >>> 8);
                le[p + 2] = (byte) (v >>> 16);
                le[p + 3] = (byte) (v >>> 24);
            }
            sha.update(le, 0, stored.length * 4);
            count += stored.length;
        }
        return new HuStatistics(count, min, max, total / count, sum, HexFormat.of().formatHex(sha.digest()));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
