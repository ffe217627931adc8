package org.lungfl.dicom.io;

/** Little- and big-endian reads from a byte array; callers have already checked the bounds. */
final class Bytes {
    private Bytes() {}

    static int u16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF) : (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    static int i32(byte[] b, int i, boolean bigEndian) {
        return bigEndian
                ? (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF)
                : (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    static long u32(byte[] b, int i, boolean bigEndian) {
        return i32(b, i, bigEndian) & 0xFFFFFFFFL;
    }

    /** A tag is two 16-bit numbers, each in the syntax's byte order. */
    static int tag(byte[] b, int i, boolean bigEndian) {
        return u16(b, i, bigEndian) << 16 | u16(b, i + 2, bigEndian);
    }
}
