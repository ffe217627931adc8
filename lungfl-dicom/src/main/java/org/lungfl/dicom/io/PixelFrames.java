package org.lungfl.dicom.io;

import org.lungfl.dicom.DicomException;

/** Where a file's frames come from: native bytes or compressed fragments. */
interface PixelFrames {
    /** Stored values of one frame, masked to BitsStored and sign-extended; a new array per call. */
    int[] stored(int frame) throws DicomException;

    /** Hounsfield units of one frame; an implementation may fuse this with reading the stored values. */
    default float[] hu(int frame, double slope, double intercept) throws DicomException {
        return toHu(stored(frame), slope, intercept);
    }

    /** stored × slope + intercept, in double and rounded once to float, as DicomFile.huFrame promises. */
    static float[] toHu(int[] stored, double slope, double intercept) {
        float[] hu = new float[stored.length];
        if (integerShift(slope, intercept)) {
            int shift = (int) intercept;
            for (int i = 0; i < stored.length; i++) hu[i] = stored[i] + shift;
        } else {
            for (int i = 0; i < stored.length; i++) hu[i] = (float) (stored[i] * slope + intercept);
        }
        return hu;
    }

    /**
     * Nearly every CT has slope 1 and an integer intercept: then HU is an integer addition, exact
     * in float for |HU| < 2^24 and the same result as the double formula, at twice the speed.
     */
    static boolean integerShift(double slope, double intercept) {
        return slope == 1 && intercept == Math.rint(intercept) && Math.abs(intercept) < 1 << 24;
    }

    /** Masks each value to BitsStored and, for PixelRepresentation 1, sign-extends it from BitsStored. */
    static void normalize(int[] v, int bitsStored, boolean signed) {
        if (bitsStored >= 32) return;
        if (signed) {
            int shift = 32 - bitsStored;
            for (int i = 0; i < v.length; i++) v[i] = v[i] << shift >> shift;
        } else {
            int mask = (1 << bitsStored) - 1;
            for (int i = 0; i < v.length; i++) v[i] &= mask;
        }
    }
}
