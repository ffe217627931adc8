package org.lungfl.dicom.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A random greyscale image for the differential test, and its native DICOM file (explicit VR
 * little endian, written here so that any precision and sign can be made, 8-bit included).
 *
 * @param bits BitsStored: 8, 12 or 16 (BitsAllocated 8 for 8, else 16)
 */
record TestImage(int rows, int columns, int bits, boolean signed, Pattern pattern, long seed) {

    /** What the pixels look like: each stresses a different part of the codecs. */
    enum Pattern {
        /** Body, lungs, bone ring and noise, like a CT slice: predictors and contexts on smooth data. */
        ANATOMY,
        /** Uniform noise over the whole range: long codes, categories up to 16. */
        NOISE,
        /** Constant blocks of random values: JPEG-LS run mode, RLE replicate runs, zero differences. */
        BLOCKS,
        /** Only the extremes (min, max, 0, ±1): differences at the modulo 2^16 wrap. */
        EXTREMES,
        /** Anatomy inside the field of view, the minimum (or −2000) outside it: CT padding. */
        PADDING
    }

    int bitsAllocated() {
        return bits <= 8 ? 8 : 16;
    }

    int min() {
        return signed ? -(1 << (bits - 1)) : 0;
    }

    int max() {
        return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /** The stored values, row-major. */
    int[] values() {
        Random r = new Random(seed);
        int n = rows * columns;
        int[] v = new int[n];
        int lo = min(), hi = max();
        long span = (long) hi - lo;
        switch (pattern) {
            case NOISE -> {
                for (int i = 0; i < n; i++) v[i] = (int) (lo + (long) (r.nextDouble() * (span + 1)));
            }
            case BLOCKS -> {
                int bh = 1 + r.nextInt(8), bw = 1 + r.nextInt(8);
                int[] block = new int[(rows / bh + 1) * (columns / bw + 1)];
                for (int i = 0; i < block.length; i++) block[i] = (int) (lo + (long) (r.nextDouble() * (span + 1)));
                for (int y = 0; y < rows; y++)
                    for (int x = 0; x < columns; x++) v[y * columns + x] = block[(y / bh) * (columns / bw + 1) + x / bw];
            }
            case EXTREMES -> {
                int[] choices = {lo, hi, Math.max(lo, 0), Math.min(hi, Math.max(lo, 0) + 1), lo + 1, hi - 1};
                for (int i = 0; i < n; i++) v[i] = choices[r.nextInt(choices.length)];
            }
            case ANATOMY, PADDING -> {
                double cy = rows / 2.0, cx = columns / 2.0;
                double ry = Math.max(rows * 0.45, 0.5), rx = Math.max(columns * 0.45, 0.5);
                int padding = pattern == Pattern.PADDING ? (lo <= -2000 ? -2000 : lo) : lo;
                for (int y = 0; y < rows; y++) {
                    for (int x = 0; x < columns; x++) {
                        double u = (x + 0.5 - cx) / rx, w = (y + 0.5 - cy) / ry, d = u * u + w * w;
                        double density;
                        if (d >= 1) density = pattern == Pattern.PADDING ? Double.NaN : 0;
                        else if (d > 0.8) density = 0.95;
                        else if (((Math.abs(u) - 0.45) / 0.35) * ((Math.abs(u) - 0.45) / 0.35) + (w / 0.7) * (w / 0.7) < 1) density = 0.08;
                        else density = 0.55;
                        int i = y * columns + x;
                        if (Double.isNaN(density)) {
                            v[i] = padding;
                        } else {
                            density = Math.max(0, Math.min(1, density + r.nextGaussian() * 0.02));
                            v[i] = (int) Math.round(lo + density * span);
                        }
                    }
                }
            }
        }
        return v;
    }

    /** A Part 10 file of this image (CT Image Storage, slope 1, intercept 0). */
    void writeDicom(Path file) throws IOException {
        int[] v = values();
        ByteBuffer px = ByteBuffer.allocate(v.length * (bitsAllocated() / 8) + 1).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : v) {
            if (bitsAllocated() == 8) px.put((byte) value);
            else px.putShort((short) value);
        }
        if (px.position() % 2 == 1) px.put((byte) 0);
        byte[] pixels = java.util.Arrays.copyOf(px.array(), px.position());

        Elements meta = new Elements();
        meta.ob(0x00020001, new byte[] {0, 1});
        meta.text(0x00020002, "UI", "1.2.840.10008.5.1.4.1.1.2");
        meta.text(0x00020003, "UI", "2.25.77" + Math.abs(seed % 1_000_000_000));
        meta.text(0x00020010, "UI", "1.2.840.10008.1.2.1");
        Elements group = new Elements();
        group.ul(0x00020000, meta.size());

        Elements ds = new Elements();
        ds.text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.2");
        ds.text(0x00080018, "UI", "2.25.77" + Math.abs(seed % 1_000_000_000));
        ds.text(0x00080060, "CS", "CT");
        ds.text(0x0020000D, "UI", "2.25.1");
        ds.text(0x0020000E, "UI", "2.25.2");
        ds.us(0x00280002, 1);
        ds.text(0x00280004, "CS", "MONOCHROME2");
        ds.us(0x00280010, rows);
        ds.us(0x00280011, columns);
        ds.us(0x00280100, bitsAllocated());
        ds.us(0x00280101, bits);
        ds.us(0x00280102, bits - 1);
        ds.us(0x00280103, signed ? 1 : 0);
        ds.text(0x00281052, "DS", "0");
        ds.text(0x00281053, "DS", "1");
        ds.pixels(0x7FE00010, bitsAllocated() == 8 ? "OB" : "OW", pixels);

        ByteBuffer out = ByteBuffer.allocate(132 + group.size() + meta.size() + ds.size());
        out.position(128);
        out.put("DICM".getBytes(StandardCharsets.US_ASCII));
        out.put(group.bytes()).put(meta.bytes()).put(ds.bytes());
        Files.write(file, out.array());
    }

    @Override
    public String toString() {
        return columns + "x" + rows + " " + (signed ? "s" : "u") + bits + " " + pattern + " seed " + seed;
    }

    /** Explicit VR little endian elements, in the order added. */
    private static final class Elements {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void header(int tag, String vr, int length, boolean longForm) {
            le16(tag >>> 16);
            le16(tag & 0xFFFF);
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if (longForm) {
                le16(0);
                le32(length);
            } else {
                le16(length);
            }
        }

        void text(int tag, String vr, String value) {
            byte[] b = value.getBytes(StandardCharsets.US_ASCII);
            int padded = b.length + (b.length & 1);
            header(tag, vr, padded, false);
            out.writeBytes(b);
            if (padded != b.length) out.write(vr.equals("UI") ? 0 : ' ');
        }

        void us(int tag, int value) {
            header(tag, "US", 2, false);
            le16(value);
        }

        void ul(int tag, int value) {
            header(tag, "UL", 4, false);
            le32(value);
        }

        void ob(int tag, byte[] value) {
            header(tag, "OB", value.length, true);
            out.writeBytes(value);
        }

        void pixels(int tag, String vr, byte[] value) {
            header(tag, vr, value.length, true);
            out.writeBytes(value);
        }

        private void le16(int v) {
            out.write(v & 0xFF);
            out.write((v >>> 8) & 0xFF);
        }

        private void le32(int v) {
            le16(v & 0xFFFF);
            le16(v >>> 16);
        }
    }
}
