package org.lungfl.dicom.codec;

import java.util.Arrays;

/**
 * Decodes the entropy-coded data of one JPEG-LS scan (T.87 Annex A): context modelling with 365
 * regular contexts and 2 run-interruption contexts, bias correction, limited-length Golomb codes,
 * run mode. Handles non-interleaved (one component) and line-interleaved scans; sample-interleaved
 * scans use {@link #decodeSampleInterleaved}. Variable names follow the standard (Ra, Rb, Rc, Rd,
 * A, B, C, N, Nn, RUNindex, J) so the code can be checked against it line by line.
 */
final class JpegLsScanDecoder {
    /** T.87 A.2.1: run-length order for each RUNindex. */
    private static final int[] J = {
        0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15
    };
    private static final int REGULAR_CONTEXTS = 365;
    private static final int MIN_C = -128;
    private static final int MAX_C = 127;
    /** Golomb parameters beyond this never occur in a valid stream (A/N stays below RANGE ≤ 2^16). */
    private static final int MAX_K = 24;

    private final JpegLsBitReader in;
    private final int width;
    private final int height;
    private final int maxVal;
    private final int near;
    private final int step; // 2·NEAR + 1
    private final int range;
    private final int qbpp;
    private final int limit;
    private final int reset;
    /** Largest mapped error a valid encoder can produce; larger values mean a corrupt stream. */
    private final long maxMappedError;
    /** Quantised gradient (−4..4) for D in [−MAXVAL, MAXVAL], indexed by D + MAXVAL. */
    private final byte[] quantized;

    // Context variables: 0..364 regular contexts; index 365 and 366 hold the run-interruption
    // contexts (RItype 0 and 1) in A and N.
    private final int[] a = new int[REGULAR_CONTEXTS + 2];
    private final int[] b = new int[REGULAR_CONTEXTS];
    private final int[] c = new int[REGULAR_CONTEXTS];
    private final int[] n = new int[REGULAR_CONTEXTS + 2];
    private final int[] nn = new int[2];
    private int runIndex;

    JpegLsScanDecoder(JpegLsBitReader in, int width, int height, JpegLsParameters p) {
        this.in = in;
        this.width = width;
        this.height = height;
        this.maxVal = p.maxVal();
        this.near = p.near();
        this.step = 2 * near + 1;
        this.range = (maxVal + 2 * near) / step + 1;
        this.qbpp = 32 - Integer.numberOfLeadingZeros(range - 1);
        int bpp = Math.max(2, 32 - Integer.numberOfLeadingZeros(maxVal));
        this.limit = 2 * (bpp + Math.max(8, bpp));
        this.reset = p.reset();
        this.maxMappedError = 2L * range;
        this.quantized = quantizationTable(p.t1(), p.t2(), p.t3());
        int a0 = Math.max(2, (range + 32) / 64);
        Arrays.fill(a, a0);
        Arrays.fill(n, 1);
    }

    /** Gradient quantisation of T.87 A.3.3 for every D in [−MAXVAL, MAXVAL], indexed by D + MAXVAL. */
    private byte[] quantizationTable(int t1, int t2, int t3) {
        byte[] q = new byte[2 * maxVal + 1];
        int[] upper = {-t3, -t2, -t1, -near - 1, near, t1 - 1, t2 - 1, t3 - 1, maxVal}; // last D of each region
        int from = -maxVal;
        for (int region = 0; region < upper.length; region++) {
            int to = Math.min(upper[region], maxVal);
            if (to >= from) {
                Arrays.fill(q, from + maxVal, to + maxVal + 1, (byte) (region - 4));
                from = to + 1;
            }
        }
        return q;
    }

    /**
     * Decodes a scan whose components are {@code components[i]} of a pixel with {@code stride}
     * samples, one line of each component after the other (ILV 0 when there is one component,
     * ILV 1 otherwise). Components share the contexts but each keeps its own RUNindex, as in CharLS.
     */
    void decodeLineInterleaved(int[] out, int stride, int[] components) throws CodecException {
        int count = components.length;
        int[][] previous = new int[count][width + 2];
        int[][] current = new int[count][width + 2];
        int[] runIndexes = new int[count];
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < count; i++) {
                int[] prev = previous[i];
                int[] cur = current[i];
                runIndex = runIndexes[i];
                decodeLine(prev, cur);
                runIndexes[i] = runIndex;
                int o = y * width * stride + components[i];
                for (int x = 1; x <= width; x++, o += stride) {
                    out[o] = cur[x];
                }
                previous[i] = cur;
                current[i] = prev;
            }
            if (in.overrun()) {
                throw new CodecException("JPEG-LS: scan data ends before line " + (y + 1) + " of " + height);
            }
        }
    }

    /**
     * Decodes a sample-interleaved scan (ILV 2) the way CharLS codes it, which both DCMTK and GDCM
     * embed: one shared context set and RUNindex, run mode only when every component's gradients
     * are zero, and every component of an interruption pixel coded in run context 365 and
     * predicted from Rb.
     */
    void decodeSampleInterleaved(int[] out, int stride, int[] components) throws CodecException {
        int count = components.length;
        int[][] previous = new int[count][width + 2];
        int[][] current = new int[count][width + 2];
        int[] qs = new int[count];
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < count; i++) {
                previous[i][width + 1] = previous[i][width];
                current[i][0] = previous[i][1];
            }
            int x = 1;
            while (x <= width) {
                boolean run = true;
                for (int i = 0; i < count; i++) {
                    int[] prev = previous[i];
                    int ra = current[i][x - 1];
                    int rc = prev[x - 1];
                    int rb = prev[x];
                    int rd = prev[x + 1];
                    qs[i] = 81 * quantized[rd - rb + maxVal] + 9 * quantized[rb - rc + maxVal] + quantized[rc - ra + maxVal];
                    run &= qs[i] == 0;
                }
                if (run) {
                    x += decodeRunInterleaved(previous, current, x);
                } else {
                    for (int i = 0; i < count; i++) {
                        int[] prev = previous[i];
                        current[i][x] = decodeRegular(qs[i], predict(current[i][x - 1], prev[x], prev[x - 1]));
                    }
                    x++;
                }
            }
            for (int i = 0; i < count; i++) {
                int[] cur = current[i];
                int o = y * width * stride + components[i];
                for (int xx = 1; xx <= width; xx++, o += stride) {
                    out[o] = cur[xx];
                }
                current[i] = previous[i];
                previous[i] = cur;
            }
            if (in.overrun()) {
                throw new CodecException("JPEG-LS: scan data ends before line " + (y + 1) + " of " + height);
            }
        }
    }

    private int decodeRunInterleaved(int[][] previous, int[][] current, int x) throws CodecException {
        int length = runLength(width - x + 1);
        int end = x + length;
        for (int[] cur : current) {
            Arrays.fill(cur, x, end, cur[x - 1]);
        }
        if (end > width) {
            return length;
        }
        for (int i = 0; i < current.length; i++) {
            int ra = current[i][x - 1];
            int rb = previous[i][end];
            int sign = ((rb - ra) >> 31) | 1;
            current[i][end] = reconstruct(rb + decodeRunInterruption(0) * sign * step);
        }
        runIndex = Math.max(0, runIndex - 1);
        return length + 1;
    }

    /** One line; sample x is at index x + 1, indexes 0 and width + 1 are the edges of T.87 A.2.1. */
    private void decodeLine(int[] prev, int[] cur) throws CodecException {
        prev[width + 1] = prev[width];
        cur[0] = prev[1];
        int x = 1;
        int rb = prev[0];
        int rd = prev[1];
        while (x <= width) {
            int ra = cur[x - 1];
            int rc = rb;
            rb = rd;
            rd = prev[x + 1];
            int qs = 81 * quantized[rd - rb + maxVal] + 9 * quantized[rb - rc + maxVal] + quantized[rc - ra + maxVal];
            if (qs != 0) {
                cur[x] = decodeRegular(qs, predict(ra, rb, rc));
                x++;
            } else {
                x += decodeRun(prev, cur, x);
                rb = prev[x - 1];
                rd = prev[x];
            }
        }
    }

    /** Median edge detector (T.87 A.4.1). */
    private static int predict(int ra, int rb, int rc) {
        int max = Math.max(ra, rb);
        int min = Math.min(ra, rb);
        if (rc >= max) return min;
        if (rc <= min) return max;
        return ra + rb - rc;
    }

    private int decodeRegular(int qs, int predicted) throws CodecException {
        int sign = qs >> 31;
        int q = (qs ^ sign) - sign;
        int aq = a[q];
        int nq = n[q];
        int k = golombParameter(nq, aq);
        int px = predicted + ((c[q] ^ sign) - sign);
        if (px > maxVal) {
            px = maxVal;
        } else if (px < 0) {
            px = 0;
        }
        int mErrval = decodeValue(k, limit);
        int errval = (mErrval >>> 1) ^ -(mErrval & 1);
        if (k == 0 && near == 0 && 2 * b[q] + nq - 1 < 0) {
            errval = ~errval; // the inverted error mapping of T.87 A.5.2
        }
        updateRegular(q, errval, aq, nq);
        errval *= step;
        return reconstruct(px + ((errval ^ sign) - sign));
    }

    /** T.87 A.6: context update and bias correction. */
    private void updateRegular(int q, int errval, int aq, int nq) {
        aq += Math.abs(errval);
        int bq = b[q] + errval * step;
        if (nq == reset) {
            aq >>= 1;
            bq >>= 1;
            nq >>= 1;
        }
        nq++;
        if (bq + nq <= 0) {
            bq += nq;
            if (bq <= -nq) bq = -nq + 1;
            if (c[q] > MIN_C) c[q]--;
        } else if (bq > 0) {
            bq -= nq;
            if (bq > 0) bq = 0;
            if (c[q] < MAX_C) c[q]++;
        }
        a[q] = aq;
        b[q] = bq;
        n[q] = nq;
    }

    /** The smallest k with N·2^k ≥ A (T.87 A.5.1). */
    private static int golombParameter(int nq, int aq) throws CodecException {
        int k = Math.max(0, Integer.numberOfLeadingZeros(nq) - Integer.numberOfLeadingZeros(aq));
        if ((long) nq << k < aq) {
            k++;
        }
        if (k > MAX_K) {
            throw new CodecException("JPEG-LS: Golomb parameter " + k + " out of range (corrupt context state)");
        }
        return k;
    }

    /** Limited-length Golomb code (T.87 A.5.3) with the escape to qbpp bits. */
    private int decodeValue(int k, int glimit) throws CodecException {
        int escape = glimit - qbpp - 1;
        int high = in.readZeros(escape);
        if (high == escape) {
            return in.read(qbpp) + 1;
        }
        long value = ((long) high << k) | in.read(k);
        if (value > maxMappedError) {
            throw new CodecException("JPEG-LS: mapped error " + value + " exceeds the range of " + range + " values");
        }
        return (int) value;
    }

    /** Modulo reduction and clamping of a reconstructed sample (T.87 A.4.5 and A.5.2). */
    private int reconstruct(int rx) {
        if (rx < -near) {
            rx += range * step;
        } else if (rx > maxVal + near) {
            rx -= range * step;
        }
        return rx < 0 ? 0 : Math.min(rx, maxVal);
    }

    /**
     * Run mode (T.87 A.7) from sample x: the run of Ra, then, unless the run reached the end of
     * the line, the run-interruption sample. Returns the number of samples decoded.
     */
    private int decodeRun(int[] prev, int[] cur, int x) throws CodecException {
        int ra = cur[x - 1];
        int length = runLength(width - x + 1);
        Arrays.fill(cur, x, x + length, ra);
        int end = x + length;
        if (end > width) {
            return length;
        }
        int rb = prev[end];
        if (Math.abs(ra - rb) <= near) {
            cur[end] = reconstruct(ra + decodeRunInterruption(1) * step);
        } else {
            int sign = ((rb - ra) >> 31) | 1;
            cur[end] = reconstruct(rb + decodeRunInterruption(0) * sign * step);
        }
        runIndex = Math.max(0, runIndex - 1);
        return length + 1;
    }

    /** Decodes the length of a run of at most {@code remaining} samples, updating RUNindex. */
    private int runLength(int remaining) throws CodecException {
        int length = 0;
        while (in.readBit()) {
            int rg = 1 << J[runIndex];
            int count = Math.min(rg, remaining - length);
            length += count;
            if (count == rg && runIndex < 31) {
                runIndex++;
            }
            if (length == remaining) {
                return length;
            }
        }
        length += in.read(J[runIndex]);
        if (length > remaining) {
            throw new CodecException("JPEG-LS: run of " + length + " samples passes the end of a line of "
                    + remaining + " remaining samples");
        }
        return length;
    }

    /** Error of a run-interruption sample (T.87 A.7.2), context {@code 365 + riType}. */
    private int decodeRunInterruption(int riType) throws CodecException {
        int ctx = REGULAR_CONTEXTS + riType;
        int aq = a[ctx];
        int nq = n[ctx];
        int k = golombParameter(nq, aq + (nq >> 1) * riType);
        int eMErrval = decodeValue(k, limit - J[runIndex] - 1);
        int temp = eMErrval + riType;
        int map = temp & 1;
        int abs = (temp + map) >> 1;
        boolean negative = (k != 0 || 2 * nn[riType] >= nq) == (map == 1);
        int errval = negative ? -abs : abs;
        if (errval < 0) {
            nn[riType]++;
        }
        aq += (eMErrval + 1 - riType) >> 1;
        if (nq == reset) {
            aq >>= 1;
            nq >>= 1;
            nn[riType] >>= 1;
        }
        a[ctx] = aq;
        n[ctx] = nq + 1;
        return errval;
    }
}
