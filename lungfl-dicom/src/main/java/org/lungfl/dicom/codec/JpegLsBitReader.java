package org.lungfl.dicom.codec;

/**
 * MSB-first bit reader over the entropy-coded data of one JPEG-LS scan (T.87 A.1): after a 0xFF
 * byte the encoder stuffs a 0 bit, so the next byte carries only 7 data bits.
 *
 * <p>{@code end} is the position of the marker that ends the scan. Reading beyond it yields zero
 * bits and is reported by {@link #overrun()}, so the decoders can check once per line instead of
 * on every bit; a run of zeros is bounded by the Golomb limit, so garbage cannot loop forever.
 */
final class JpegLsBitReader {
    private final byte[] data;
    private final int end;
    private int pos;
    /** Valid bits are left-aligned; bits below them are always zero. */
    private long cache;
    private int bits;
    /** Zero bits appended past {@code end}; {@code padded > bits} once one of them was consumed. */
    private int padded;
    private boolean afterFF;

    JpegLsBitReader(byte[] data, int start, int end) {
        this.data = data;
        this.pos = start;
        this.end = end;
    }

    private void fill() {
        while (bits <= 56) {
            if (pos < end) {
                int b = data[pos++] & 0xFF;
                if (afterFF) {
                    cache |= (long) b << (57 - bits); // the stuffed MSB is 0 (a 1 would be a marker)
                    bits += 7;
                } else {
                    cache |= (long) b << (56 - bits);
                    bits += 8;
                }
                afterFF = b == 0xFF;
            } else {
                bits += 8;
                padded += 8;
            }
        }
    }

    boolean readBit() {
        if (bits == 0) {
            fill();
        }
        boolean one = cache < 0;
        cache <<= 1;
        bits--;
        return one;
    }

    /** Reads {@code n} bits, 0 ≤ n ≤ 31, as an unsigned value. */
    int read(int n) {
        if (n == 0) {
            return 0;
        }
        if (bits < n) {
            fill();
        }
        int v = (int) (cache >>> (64 - n));
        cache <<= n;
        bits -= n;
        return v;
    }

    /**
     * Counts 0 bits up to and including the next 1 bit (the unary part of a Golomb code) and
     * returns the number of zeros.
     *
     * @throws CodecException when more than {@code max} zeros precede the 1
     */
    int readZeros(int max) throws CodecException {
        int count = 0;
        while (true) {
            int z = Long.numberOfLeadingZeros(cache);
            if (z < bits) {
                cache <<= z;
                cache <<= 1; // two shifts: z + 1 may be 64, which Java would treat as 0
                bits -= z + 1;
                count += z;
                if (count > max) {
                    throw tooLong(count, max);
                }
                return count;
            }
            count += bits;
            cache = 0;
            bits = 0;
            if (count > max) {
                throw tooLong(count, max);
            }
            fill();
        }
    }

    private static CodecException tooLong(int count, int max) {
        return new CodecException("JPEG-LS: Golomb code with " + count + " leading zeros exceeds the limit of " + max);
    }

    /** Bits of scan data not consumed yet (bytes after 0xFF counted as 8). */
    long unusedBits() {
        return Math.max(0, bits - padded) + 8L * (end - pos);
    }

    /** True once a bit past the end of the scan data was consumed. */
    boolean overrun() {
        return padded > bits;
    }
}
