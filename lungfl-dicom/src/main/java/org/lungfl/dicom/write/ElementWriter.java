package org.lungfl.dicom.write;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Encodes data elements of one data set into a growable byte array, in one of the three
 * uncompressed encodings (explicit VR LE, implicit VR LE, explicit VR BE). Elements must be added
 * in ascending tag order (PS3.5 §7.1), which is checked, because a reader may rely on it.
 */
final class ElementWriter {
    /** Explicit-VR value representations with a reserved field and a 32-bit length (PS3.5 §7.1.2). */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");
    private static final int UNDEFINED_LENGTH = 0xFFFFFFFF;

    private final boolean explicitVr;
    private final boolean bigEndian;
    private byte[] buf;
    private int size;
    private long lastTag = -1;

    ElementWriter(boolean explicitVr, boolean bigEndian, int initialCapacity) {
        this.explicitVr = explicitVr;
        this.bigEndian = bigEndian;
        this.buf = new byte[Math.max(256, initialCapacity)];
    }

    int size() { return size; }

    byte[] toByteArray() { return Arrays.copyOf(buf, size); }

    /** A text element; padded to even length with a space, or NUL for UI (PS3.5 §6.2). */
    ElementWriter text(int tag, String vr, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        int padded = v.length + (v.length & 1);
        header(tag, vr, padded);
        put(v, 0, v.length);
        if (padded != v.length) putByte(vr.equals("UI") ? 0 : ' ');
        return this;
    }

    /** A multi-valued text element (values joined by backslash). */
    ElementWriter text(int tag, String vr, List<String> values) {
        return text(tag, vr, String.join("\\", values));
    }

    ElementWriter us(int tag, int value) {
        header(tag, "US", 2);
        putShort(value);
        return this;
    }

    ElementWriter ul(int tag, long value) {
        header(tag, "UL", 4);
        putInt((int) value);
        return this;
    }

    ElementWriter ob(int tag, byte[] value) {
        int padded = value.length + (value.length & 1);
        header(tag, "OB", padded);
        put(value, 0, value.length);
        if (padded != value.length) putByte(0);
        return this;
    }

    /** 16-bit native pixel data, in this writer's byte order. */
    ElementWriter ow(int tag, short[] words) {
        header(tag, "OW", words.length * 2);
        ensure(words.length * 2);
        if (bigEndian) {
            for (short w : words) { buf[size++] = (byte) (w >> 8); buf[size++] = (byte) w; }
        } else {
            for (short w : words) { buf[size++] = (byte) w; buf[size++] = (byte) (w >> 8); }
        }
        return this;
    }

    /**
     * Encapsulated pixel data (PS3.5 §A.4): undefined length, an empty Basic Offset Table item, one
     * fragment per frame, and the sequence delimiter. Fragments must already be of even length.
     */
    ElementWriter encapsulated(int tag, List<byte[]> fragments) {
        if (!explicitVr || bigEndian) throw new IllegalStateException("encapsulation needs explicit VR little endian");
        header(tag, "OB", UNDEFINED_LENGTH);
        item(0xFFFEE000, 0);
        for (byte[] f : fragments) {
            if ((f.length & 1) != 0) throw new IllegalArgumentException("odd fragment length " + f.length);
            item(0xFFFEE000, f.length);
            put(f, 0, f.length);
        }
        item(0xFFFEE0DD, 0);
        return this;
    }

    /** Items and delimiters have no VR in any transfer syntax. */
    private void item(int tag, int length) {
        putShort(tag >>> 16);
        putShort(tag & 0xFFFF);
        putInt(length);
    }

    private void header(int tag, String vr, int length) {
        long unsignedTag = tag & 0xFFFFFFFFL;
        if (unsignedTag <= lastTag) throw new IllegalStateException(String.format("tag (%04X,%04X) out of order", tag >>> 16, tag & 0xFFFF));
        lastTag = unsignedTag;
        putShort(tag >>> 16);
        putShort(tag & 0xFFFF);
        if (!explicitVr) {
            putInt(length);
        } else if (LONG_VRS.contains(vr)) {
            putByte(vr.charAt(0));
            putByte(vr.charAt(1));
            putShort(0);
            putInt(length);
        } else {
            if (length > 0xFFFF) throw new IllegalArgumentException(vr + " value too long: " + length);
            putByte(vr.charAt(0));
            putByte(vr.charAt(1));
            putShort(length);
        }
    }

    private void putByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    private void putShort(int v) {
        ensure(2);
        if (bigEndian) { buf[size++] = (byte) (v >> 8); buf[size++] = (byte) v; }
        else { buf[size++] = (byte) v; buf[size++] = (byte) (v >> 8); }
    }

    private void putInt(int v) {
        ensure(4);
        if (bigEndian) {
            buf[size++] = (byte) (v >> 24); buf[size++] = (byte) (v >> 16); buf[size++] = (byte) (v >> 8); buf[size++] = (byte) v;
        } else {
            buf[size++] = (byte) v; buf[size++] = (byte) (v >> 8); buf[size++] = (byte) (v >> 16); buf[size++] = (byte) (v >> 24);
        }
    }

    private void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    private void ensure(int more) {
        if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
}
