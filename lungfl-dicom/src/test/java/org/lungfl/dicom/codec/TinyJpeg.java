package org.lungfl.dicom.codec;

import java.io.ByteArrayOutputStream;

/**
 * Hand-made sequential JPEG codestreams for exact error paths: one component, quantisation
 * steps of 1, a DC table holding only category 0 (code 0) and an AC table with EOB (00),
 * ZRL (01) and run 0 / size 1 (10). A flat block is the bits "000".
 */
final class TinyJpeg {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static TinyJpeg soi() {
        return new TinyJpeg().raw(0xFF, 0xD8);
    }

    static ImageDescriptor gray(int rows, int columns, int bits) {
        return new ImageDescriptor(rows, columns, 1, bits > 8 ? 16 : 8, bits, bits - 1, 0, "MONOCHROME2", 0);
    }

    /** A complete flat 8-bit image of the given size, every sample 128. */
    static byte[] flat(int rows, int columns) {
        int blocks = ((rows + 7) / 8) * ((columns + 7) / 8);
        return soi().dqt().sof(0xC0, 8, rows, columns).dht().sos().entropy("000".repeat(blocks)).eoi().bytes();
    }

    TinyJpeg raw(int... bytes) {
        for (int b : bytes) out.write(b);
        return this;
    }

    TinyJpeg dqt() {
        raw(0xFF, 0xDB, 0x00, 0x43, 0x00);
        for (int i = 0; i < 64; i++) out.write(1);
        return this;
    }

    TinyJpeg dqt16() {
        raw(0xFF, 0xDB, 0x00, 0x83, 0x10);
        for (int i = 0; i < 64; i++) raw(0, 1);
        return this;
    }

    TinyJpeg sof(int marker, int precision, int rows, int columns) {
        return raw(0xFF, marker, 0x00, 0x0B, precision, rows >> 8, rows & 0xFF, columns >> 8, columns & 0xFF, 1, 1, 0x11, 0);
    }

    TinyJpeg dht() {
        raw(0xFF, 0xC4, 0x00, 40);
        raw(0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00);
        return raw(0x10, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xF0, 0x01);
    }

    TinyJpeg dri(int interval) {
        return raw(0xFF, 0xDD, 0x00, 0x04, interval >> 8, interval & 0xFF);
    }

    TinyJpeg sos() {
        return raw(0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0);
    }

    /** Packs '0'/'1' characters into bytes, pads the last with 1-bits, stuffs a zero after each FF. */
    TinyJpeg entropy(String bits) {
        String s = bits.replace(" ", "");
        while (s.length() % 8 != 0) s += "1";
        for (int i = 0; i < s.length(); i += 8) {
            int b = Integer.parseInt(s.substring(i, i + 8), 2);
            out.write(b);
            if (b == 0xFF) out.write(0);
        }
        return this;
    }

    TinyJpeg rst(int n) {
        return raw(0xFF, 0xD0 + n);
    }

    TinyJpeg eoi() {
        return raw(0xFF, 0xD9);
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
