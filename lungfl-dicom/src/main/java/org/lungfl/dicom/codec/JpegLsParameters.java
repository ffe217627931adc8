package org.lungfl.dicom.codec;

/**
 * Coding parameters of one JPEG-LS scan: MAXVAL, thresholds and RESET (from an LSE preset
 * segment or the defaults of T.87 C.2.4.1.1) plus the scan's NEAR.
 */
record JpegLsParameters(int maxVal, int t1, int t2, int t3, int reset, int near) {
    private static final int BASIC_T1 = 3;
    private static final int BASIC_T2 = 7;
    private static final int BASIC_T3 = 21;
    static final int DEFAULT_RESET = 64;

    /**
     * Resolves preset values, where 0 means "default", for a scan with the given precision and
     * NEAR, and checks them against the ranges of T.87 C.2.4.1.1.
     */
    static JpegLsParameters resolve(int precision, int presetMaxVal, int presetT1, int presetT2, int presetT3,
            int presetReset, int near) throws CodecException {
        int maxVal = presetMaxVal == 0 ? (1 << precision) - 1 : presetMaxVal;
        if (maxVal < 1 || maxVal >= 1 << precision) {
            throw new CodecException("JPEG-LS: MAXVAL " + maxVal + " does not fit precision " + precision);
        }
        if (near > Math.min(255, maxVal / 2)) {
            throw new CodecException("JPEG-LS: NEAR " + near + " is too large for MAXVAL " + maxVal);
        }
        int t1;
        int t2;
        int t3;
        if (maxVal >= 128) {
            int factor = (Math.min(maxVal, 4095) + 128) >> 8;
            t1 = clamp(factor * (BASIC_T1 - 2) + 2 + 3 * near, near + 1, maxVal);
            t2 = clamp(factor * (BASIC_T2 - 3) + 3 + 5 * near, t1, maxVal);
            t3 = clamp(factor * (BASIC_T3 - 4) + 4 + 7 * near, t2, maxVal);
        } else {
            int factor = 256 / (maxVal + 1);
            t1 = clamp(Math.max(2, BASIC_T1 / factor + 3 * near), near + 1, maxVal);
            t2 = clamp(Math.max(3, BASIC_T2 / factor + 5 * near), t1, maxVal);
            t3 = clamp(Math.max(4, BASIC_T3 / factor + 7 * near), t2, maxVal);
        }
        t1 = presetT1 == 0 ? t1 : presetT1;
        t2 = presetT2 == 0 ? t2 : presetT2;
        t3 = presetT3 == 0 ? t3 : presetT3;
        int reset = presetReset == 0 ? DEFAULT_RESET : presetReset;
        if (t1 < near + 1 || t1 > maxVal || t2 < t1 || t2 > maxVal || t3 < t2 || t3 > maxVal) {
            throw new CodecException("JPEG-LS: thresholds T1=" + t1 + " T2=" + t2 + " T3=" + t3
                    + " are invalid for MAXVAL " + maxVal + " and NEAR " + near);
        }
        if (reset < 3 || reset > Math.max(255, maxVal)) {
            throw new CodecException("JPEG-LS: RESET " + reset + " is out of range for MAXVAL " + maxVal);
        }
        return new JpegLsParameters(maxVal, t1, t2, t3, reset, near);
    }

    private static int clamp(int i, int j, int maxVal) {
        return i > maxVal || i < j ? j : i;
    }
}
