package org.lungfl.dicom.codec;

/**
 * The IJG libjpeg "islow" integer inverse DCT (jidctint.c), with dequantisation, level shift and
 * libjpeg's range-limit table, so that our samples match libjpeg (and hence DCMTK's dcmdjpeg and
 * the JDK's reader) bit for bit. Immutable and thread-safe; the caller supplies the workspace.
 */
final class JpegIdct {
    static final JpegIdct PRECISION_8 = new JpegIdct(8, 2);
    /** libjpeg drops PASS1_BITS to 1 for 12-bit samples so the arithmetic stays within 32 bits. */
    static final JpegIdct PRECISION_12 = new JpegIdct(12, 1);

    private static final int CONST_BITS = 13;
    private static final int FIX_0_298631336 = 2446;
    private static final int FIX_0_390180644 = 3196;
    private static final int FIX_0_541196100 = 4433;
    private static final int FIX_0_765366865 = 6270;
    private static final int FIX_0_899976223 = 7373;
    private static final int FIX_1_175875602 = 9633;
    private static final int FIX_1_501321110 = 12299;
    private static final int FIX_1_847759065 = 15137;
    private static final int FIX_1_961570560 = 16069;
    private static final int FIX_2_053119869 = 16819;
    private static final int FIX_2_562915447 = 20995;
    private static final int FIX_3_072711026 = 25172;

    private final int pass1Bits;
    private final int rangeMask;
    /** libjpeg's post-IDCT table: output = table[x & rangeMask], wrapping wild values as libjpeg does. */
    private final int[] rangeLimit;

    static JpegIdct forPrecision(int precision) {
        return precision == 8 ? PRECISION_8 : PRECISION_12;
    }

    private JpegIdct(int precision, int pass1Bits) {
        this.pass1Bits = pass1Bits;
        int maxSample = (1 << precision) - 1;
        int center = 1 << (precision - 1);
        rangeMask = 4 * (maxSample + 1) - 1;
        rangeLimit = new int[rangeMask + 1];
        for (int y = 0; y <= rangeMask; y++) {
            int x = y < 2 * (maxSample + 1) ? y : y - 4 * (maxSample + 1);
            rangeLimit[y] = Math.max(0, Math.min(maxSample, x + center));
        }
    }

    /**
     * @param coef 64 quantised coefficients in natural order
     * @param quant 64 quantisation steps in natural order
     * @param ws 64-int workspace
     */
    void transform(int[] coef, int[] quant, int[] ws, int[] out, int offset, int stride) {
        final int p1 = pass1Bits;
        final int shift1 = CONST_BITS - p1;
        final int round1 = 1 << (shift1 - 1);
        for (int c = 0; c < 8; c++) {
            if (coef[8 + c] == 0 && coef[16 + c] == 0 && coef[24 + c] == 0 && coef[32 + c] == 0
                    && coef[40 + c] == 0 && coef[48 + c] == 0 && coef[56 + c] == 0) {
                int dc = (coef[c] * quant[c]) << p1;
                for (int r = 0; r < 64; r += 8) ws[r + c] = dc;
                continue;
            }
            int z2 = coef[16 + c] * quant[16 + c];
            int z3 = coef[48 + c] * quant[48 + c];
            int z1 = (z2 + z3) * FIX_0_541196100;
            int tmp2 = z1 - z3 * FIX_1_847759065;
            int tmp3 = z1 + z2 * FIX_0_765366865;
            z2 = coef[c] * quant[c];
            z3 = coef[32 + c] * quant[32 + c];
            int tmp0 = (z2 + z3) << CONST_BITS;
            int tmp1 = (z2 - z3) << CONST_BITS;
            int tmp10 = tmp0 + tmp3;
            int tmp13 = tmp0 - tmp3;
            int tmp11 = tmp1 + tmp2;
            int tmp12 = tmp1 - tmp2;

            tmp0 = coef[56 + c] * quant[56 + c];
            tmp1 = coef[40 + c] * quant[40 + c];
            tmp2 = coef[24 + c] * quant[24 + c];
            tmp3 = coef[8 + c] * quant[8 + c];
            z1 = tmp0 + tmp3;
            z2 = tmp1 + tmp2;
            z3 = tmp0 + tmp2;
            int z4 = tmp1 + tmp3;
            int z5 = (z3 + z4) * FIX_1_175875602;
            tmp0 *= FIX_0_298631336;
            tmp1 *= FIX_2_053119869;
            tmp2 *= FIX_3_072711026;
            tmp3 *= FIX_1_501321110;
            z1 *= -FIX_0_899976223;
            z2 *= -FIX_2_562915447;
            z3 = z3 * -FIX_1_961570560 + z5;
            z4 = z4 * -FIX_0_390180644 + z5;
            tmp0 += z1 + z3;
            tmp1 += z2 + z4;
            tmp2 += z2 + z3;
            tmp3 += z1 + z4;

            ws[c] = (tmp10 + tmp3 + round1) >> shift1;
            ws[56 + c] = (tmp10 - tmp3 + round1) >> shift1;
            ws[8 + c] = (tmp11 + tmp2 + round1) >> shift1;
            ws[48 + c] = (tmp11 - tmp2 + round1) >> shift1;
            ws[16 + c] = (tmp12 + tmp1 + round1) >> shift1;
            ws[40 + c] = (tmp12 - tmp1 + round1) >> shift1;
            ws[24 + c] = (tmp13 + tmp0 + round1) >> shift1;
            ws[32 + c] = (tmp13 - tmp0 + round1) >> shift1;
        }

        final int[] limit = rangeLimit;
        final int mask = rangeMask;
        final int shift2 = CONST_BITS + p1 + 3;
        final int round2 = 1 << (shift2 - 1);
        final int dcShift = p1 + 3;
        final int dcRound = 1 << (dcShift - 1);
        for (int r = 0; r < 64; r += 8, offset += stride) {
            if (ws[r + 1] == 0 && ws[r + 2] == 0 && ws[r + 3] == 0 && ws[r + 4] == 0
                    && ws[r + 5] == 0 && ws[r + 6] == 0 && ws[r + 7] == 0) {
                int v = limit[((ws[r] + dcRound) >> dcShift) & mask];
                for (int i = 0; i < 8; i++) out[offset + i] = v;
                continue;
            }
            int z2 = ws[r + 2];
            int z3 = ws[r + 6];
            int z1 = (z2 + z3) * FIX_0_541196100;
            int tmp2 = z1 - z3 * FIX_1_847759065;
            int tmp3 = z1 + z2 * FIX_0_765366865;
            int tmp0 = (ws[r] + ws[r + 4]) << CONST_BITS;
            int tmp1 = (ws[r] - ws[r + 4]) << CONST_BITS;
            int tmp10 = tmp0 + tmp3;
            int tmp13 = tmp0 - tmp3;
            int tmp11 = tmp1 + tmp2;
            int tmp12 = tmp1 - tmp2;

            tmp0 = ws[r + 7];
            tmp1 = ws[r + 5];
            tmp2 = ws[r + 3];
            tmp3 = ws[r + 1];
            z1 = tmp0 + tmp3;
            z2 = tmp1 + tmp2;
            z3 = tmp0 + tmp2;
            int z4 = tmp1 + tmp3;
            int z5 = (z3 + z4) * FIX_1_175875602;
            tmp0 *= FIX_0_298631336;
            tmp1 *= FIX_2_053119869;
            tmp2 *= FIX_3_072711026;
            tmp3 *= FIX_1_501321110;
            z1 *= -FIX_0_899976223;
            z2 *= -FIX_2_562915447;
            z3 = z3 * -FIX_1_961570560 + z5;
            z4 = z4 * -FIX_0_390180644 + z5;
            tmp0 += z1 + z3;
            tmp1 += z2 + z4;
            tmp2 += z2 + z3;
            tmp3 += z1 + z4;

            out[offset] = limit[((tmp10 + tmp3 + round2) >> shift2) & mask];
            out[offset + 7] = limit[((tmp10 - tmp3 + round2) >> shift2) & mask];
            out[offset + 1] = limit[((tmp11 + tmp2 + round2) >> shift2) & mask];
            out[offset + 6] = limit[((tmp11 - tmp2 + round2) >> shift2) & mask];
            out[offset + 2] = limit[((tmp12 + tmp1 + round2) >> shift2) & mask];
            out[offset + 5] = limit[((tmp12 - tmp1 + round2) >> shift2) & mask];
            out[offset + 3] = limit[((tmp13 + tmp0 + round2) >> shift2) & mask];
            out[offset + 4] = limit[((tmp13 - tmp0 + round2) >> shift2) & mask];
        }
    }
}
