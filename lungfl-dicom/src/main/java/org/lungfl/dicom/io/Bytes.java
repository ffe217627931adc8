package org.lungfl.dicom.io;

import java.nio.ByteBuffer;

/** Little- and big-endian reads at absolute positions; callers have already checked the bounds. */
final class Bytes {
    private Bytes() {}

    static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xFF;
    }

    static int u16(ByteBuffer b, int i, boolean bigEndian) {
        return bigEndian ? u8(b, i) << 8 | u8(b, i + 1) : u8(b, i) | u8(b, i + 1) << 8;
    }

    static int i32(ByteBuffer b, int i, boolean bigEndian) {
        return bigEndian
                ? u8(b, i) << 24 | u8(b, i + 1) << 16 | u8(b, i + 2) << 8 | u8(b, i + 3)
                : u8(b, i) | u8(b, i + 1) << 8 | u8(b, i + 2) << 16 | u8(b, i + 3) << 24;
    }

    static long u32(ByteBuffer b, int i, boolean bigEndian) {
        return i32(b, i, bigEndian) & 0xFFFFFFFFL;
    }

    /** A tag is two 16-bit numbers, each in the syntax's byte order. */
    static int tag(ByteBuffer b, int i, boolean bigEndian) {
        return u16(b, i, bigEndian) << 16 | u16(b, i + 2, bigEndian);
    }

    /** A copy of {@code length} bytes from position {@code from}. */
    static byte[] copy(ByteBuffer b, int from, int length) {
        byte[] out = new byte[length];
        b.get(from, out);
        return out;
    }
}
