package org.lungfl.dicom.codec;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;

/**
 * JPEG 2000, reversible and irreversible: transfer syntaxes 1.2.840.10008.1.2.4.90 and 4.91.
 * Decoded by jai-imageio-jpeg2000 (bit-exact on 4.90; on 4.91 within a unit or two of OpenJPEG
 * on the 9/7 wavelet, see NOTES.md). The SIZ segment is checked against the descriptor before the
 * plugin allocates anything. Signed components come back signed, unsigned ones as bit patterns;
 * the pipeline masks either way. Thread-safe: one reader per call.
 */
public final class Jpeg2000Decoder implements FrameDecoder {
    private static final String CODEC = "JPEG 2000";
    private final J2KImageReaderSpi provider = ImageIoFrames.provider(J2KImageReaderSpi.class);

    public Jpeg2000Decoder() {
    }

    @Override
    public int[] decode(byte[] frame, ImageDescriptor descriptor) throws CodecException {
        if (frame == null || frame.length == 0) throw new CodecException(CODEC + ": empty frame");
        int start = codestreamStart(frame);
        Siz siz = checkSiz(frame, start, descriptor);
        checkTileParts(frame, start);
        ImageIoFrames.checkSize(descriptor, CODEC);
        int[] samples = ImageIoFrames.samples(ImageIoFrames.readRaster(provider, frame, CODEC), descriptor, CODEC);
        if (siz.precision() > descriptor.bitsStored()) clamp(samples, siz.signed(), descriptor.bitsStored());
        return samples;
    }

    /**
     * GDCM, for one, writes 16-bit codestreams for 12-bit data; lossy ringing then overshoots the
     * BitsStored range, and masking to BitsStored would wrap a bright overshoot to black. Clamp to
     * the range instead, as libjpeg's range limiting does for lossy JPEG.
     */
    private static void clamp(int[] samples, boolean signed, int bitsStored) {
        int min = signed ? -(1 << (bitsStored - 1)) : 0;
        int max = signed ? (1 << (bitsStored - 1)) - 1 : (1 << bitsStored) - 1;
        for (int i = 0; i < samples.length; i++) samples[i] = Math.max(min, Math.min(max, samples[i]));
    }

    /** The largest component precision and whether any component is signed. */
    private record Siz(int precision, boolean signed) {
    }

    /** DICOM wants a bare codestream (FF4F); some writers wrap it in a JP2 file: find its jp2c box. */
    private static int codestreamStart(byte[] d) throws CodecException {
        if (d.length >= 2 && d[0] == (byte) 0xFF && d[1] == 0x4F) return 0;
        if (d.length < 12 || u32(d, 0) != 12 || u32(d, 4) != 0x6A502020) {
            throw new CodecException(CODEC + ": neither a codestream (SOC marker) nor a JP2 file");
        }
        long p = 0;
        while (p + 8 <= d.length) {
            long length = u32(d, (int) p);
            int type = (int) u32(d, (int) p + 4);
            int header = 8;
            if (length == 1) {
                if (p + 16 > d.length) break;
                length = (u32(d, (int) p + 8) << 32) | u32(d, (int) p + 12);
                header = 16;
            } else if (length == 0) {
                length = d.length - p;
            }
            if (length < header) break;
            if (type == 0x6A703263) return (int) (p + header); // 'jp2c'
            p += length;
        }
        throw new CodecException(CODEC + ": JP2 file without a codestream box");
    }

    /** ISO 15444-1 A.5.1: image size, components, and their precision. */
    private static Siz checkSiz(byte[] d, int p, ImageDescriptor desc) throws CodecException {
        if (p + 4 > d.length || u16(d, p) != 0xFF4F || u16(d, p + 2) != 0xFF51) {
            throw new CodecException(CODEC + ": codestream does not start with SOC and SIZ");
        }
        int s = p + 4;
        if (s + 2 > d.length) throw new CodecException(CODEC + ": SIZ segment is truncated");
        int length = u16(d, s);
        if (length < 41 || s + length > d.length) throw new CodecException(CODEC + ": SIZ segment declares " + length + " bytes");
        long width = u32(d, s + 4) - u32(d, s + 12);
        long height = u32(d, s + 8) - u32(d, s + 16);
        int components = u16(d, s + 36);
        if (components < 1 || length != 38 + 3 * components) {
            throw new CodecException(CODEC + ": SIZ segment declares " + components + " components in " + length + " bytes");
        }
        if (width != desc.columns() || height != desc.rows()) {
            throw new CodecException(CODEC + ": image is " + width + "x" + height + ", DICOM says "
                    + desc.columns() + "x" + desc.rows() + " (columns x rows)");
        }
        if (components != desc.samplesPerPixel()) {
            throw new CodecException(CODEC + ": " + components + " components, DICOM SamplesPerPixel is " + desc.samplesPerPixel());
        }
        int maxPrecision = 0;
        boolean signed = false;
        for (int c = 0; c < components; c++) {
            int q = s + 38 + 3 * c;
            int precision = (d[q] & 0x7F) + 1;
            maxPrecision = Math.max(maxPrecision, precision);
            signed |= d[q] < 0;
            if (precision < desc.bitsStored() || precision > 32) {
                throw new CodecException(CODEC + ": component " + c + " has " + precision + " bits, DICOM BitsStored is " + desc.bitsStored());
            }
            if (d[q + 1] != 1 || d[q + 2] != 1) throw new CodecException(CODEC + ": component " + c + " is subsampled");
        }
        return new Siz(maxPrecision, signed);
    }

    /**
     * Walks the main header and the tile-parts (A.4.2: Psot is the tile-part's length) up to EOC.
     * jj2000 reports reading past the end by printing a stack trace to stderr and throwing
     * ThreadDeath, so a truncated codestream must be refused before it gets there.
     */
    private static void checkTileParts(byte[] d, int p) throws CodecException {
        int end = d.length;
        p += 2; // SOC
        boolean tilePart = false;
        while (p < end) {
            if (p + 2 > end) throw new CodecException(CODEC + ": codestream is truncated");
            int marker = u16(d, p);
            if (marker == 0xFFD9) return; // EOC; anything after it is padding
            if (p + 4 > end) throw new CodecException(CODEC + ": codestream is truncated");
            if (marker == 0xFF90) {
                if (p + 12 > end) throw new CodecException(CODEC + ": codestream is truncated in a tile-part header");
                long psot = u32(d, p + 6);
                tilePart = true;
                if (psot == 0) {
                    // the last tile-part runs to EOC
                    if (u16(d, end - 2) != 0xFFD9 || end - 2 < p + 12) throw new CodecException(CODEC + ": codestream is truncated (no EOC)");
                    return;
                }
                if (psot < 14 || p + psot > end) {
                    throw new CodecException(CODEC + ": tile-part of " + psot + " bytes, " + (end - p) + " present (truncated)");
                }
                p += (int) psot;
            } else {
                if (tilePart || (marker & 0xFF00) != 0xFF00) throw new CodecException(CODEC + ": expected a marker at offset " + p);
                int length = u16(d, p + 2);
                if (length < 2 || p + 2 + length > end) throw new CodecException(CODEC + ": main header segment at offset " + p + " is truncated");
                p += 2 + length;
            }
        }
        if (!tilePart) throw new CodecException(CODEC + ": codestream has no tile-parts");
    }

    private static int u16(byte[] d, int p) {
        return (d[p] & 0xFF) << 8 | d[p + 1] & 0xFF;
    }

    private static long u32(byte[] d, int p) {
        return ((long) u16(d, p) << 16) | u16(d, p + 2);
    }
}
