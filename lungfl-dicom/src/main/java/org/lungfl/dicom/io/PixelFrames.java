package org.lungfl.dicom.io;

import org.lungfl.dicom.DicomException;

/** Where a file's frames come from: native bytes or compressed fragments. */
interface PixelFrames {
    /** Stored values of one frame, masked to BitsStored and sign-extended; a new array per call. */
    int[] stored(int frame) throws DicomException;

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
