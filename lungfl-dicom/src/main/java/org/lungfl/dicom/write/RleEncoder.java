package org.lungfl.dicom.write;

import java.util.Arrays;

/**
 * RLE Lossless encoder (PS3.5 Annex G) for 16-bit single-sample frames: a 64-byte header, then
 * two byte segments (most significant bytes first, then least significant), each a PackBits
 * stream. Every row is encoded separately so no run crosses a row boundary (G.3.1), and each
 * segment is padded to even length.
 */
public final class RleEncoder {
    private static final int HEADER_BYTES = 64;
    private static final int MAX_RUN = 128;

    private RleEncoder() {}

    /** Encodes one frame of {@code rows × columns} 16-bit values (row-major) into one RLE fragment. */
    public static byte[] encode16(short[] frame, int rows, int columns) {
        if (frame.length != rows * columns) throw new IllegalArgumentException("frame has " + frame.length + " values, expected " + rows * columns);
        byte[] high = new byte[frame.length];
        byte[] low = new byte[frame.length];
        for (int i = 0; i < frame.length; i++) {
            high[i] = (byte) (frame[i] >> 8);
            low[i] = (byte) frame[i];
        }
        // Worst case PackBits adds one header byte per 128 literal bytes, per row.
        int perPlaneBound = frame.length + rows * ((columns + MAX_RUN - 1) / MAX_RUN) + 1;
        byte[] out = new byte[HEADER_BYTES + 2 * perPlaneBound];
        int pos = HEADER_BYTES;
        int secondOffset = 0;
        for (int segment = 0; segment < 2; segment++) {
            if (segment == 1) secondOffset = pos;
            byte[] plane = segment == 0 ? high : low;
            for (int r = 0; r < rows; r++) pos = packBits(plane, r * columns, columns, out, pos);
            if (((pos - (segment == 0 ? HEADER_BYTES : secondOffset)) & 1) != 0) out[pos++] = 0;
        }
        putIntLe(out, 0, 2);
        putIntLe(out, 4, HEADER_BYTES);
        putIntLe(out, 8, secondOffset);
        return Arrays.copyOf(out, pos);
    }

    /**
     * PackBits of {@code len} bytes from {@code in[off]} into {@code out[pos]}: a header n in 0..127
     * copies the next n+1 bytes literally; n in -127..-1 repeats the next byte 1-n times.
     * Replicate runs start at three equal bytes (two when no literal is pending); returns the new position.
     */
    static int packBits(byte[] in, int off, int len, byte[] out, int pos) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int run = runLength(in, i, end);
            if (run >= 2) {
                out[pos++] = (byte) (1 - run);
                out[pos++] = in[i];
                i += run;
                continue;
            }
            int start = i;
            i++;
            while (i < end && i - start < MAX_RUN && !(i + 2 < end && in[i] == in[i + 1] && in[i] == in[i + 2])) i++;
            int n = i - start;
            out[pos++] = (byte) (n - 1);
            System.arraycopy(in, start, out, pos, n);
            pos += n;
        }
        return pos;
    }

    private static int runLength(byte[] in, int i, int end) {
        int limit = Math.min(end, i + MAX_RUN);
        int j = i + 1;
        while (j < limit && in[j] == in[i]) j++;
        return j - i;
    }

    private static void putIntLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }
}
