package org.lungfl.dicom.codec;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;
import java.util.function.Consumer;

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
    public int[] decode(byte[] frame, ImageDescriptor descriptor, Consumer<String> warnings) throws CodecException {
        if (frame == null || frame.length == 0) throw new CodecException(CODEC + ": empty frame");
        int start = codestreamStart(frame);
        Siz siz = checkSiz(frame, start, descriptor);
        checkStructure(frame, start, siz);
        ImageIoFrames.checkSize(descriptor, CODEC);
        int[] samples = ImageIoFrames.samples(ImageIoFrames.readRaster(provider, frame, CODEC), descriptor, CODEC);
        if (siz.precision() > descriptor.bitsStored()) clamp(samples, siz.signed(), descriptor.bitsStored());
        if (siz.precision() < descriptor.bitsStored()) {
            checkFits(samples, descriptor);
            warnings.accept(CODEC + ": the code-stream's samples have " + siz.precision() + " bits (" + (siz.signed() ? "signed" : "unsigned")
                    + "), DICOM BitsStored is " + descriptor.bitsStored() + "; decoded by the code-stream's precision, as GDCM does");
        }
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

    /** A code-stream narrower than BitsStored is fine while its values are values DICOM's pixel description allows. */
    private static void checkFits(int[] samples, ImageDescriptor d) throws CodecException {
        int min = d.signed() ? -(1 << (d.bitsStored() - 1)) : 0;
        int max = d.signed() ? (1 << (d.bitsStored() - 1)) - 1 : (1 << d.bitsStored()) - 1;
        for (int v : samples) {
            if (v < min || v > max) {
                throw new CodecException(CODEC + ": decoded sample " + v + " does not fit DICOM's " + d.bitsStored() + "-bit "
                        + (d.signed() ? "signed" : "unsigned") + " range");
            }
        }
    }

    /** The largest component precision, whether any component is signed, and the tile count. */
    private record Siz(int precision, boolean signed, long tiles) {
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
            if (precision > 32 || precision > desc.bitsAllocated()) {
                throw new CodecException(CODEC + ": component " + c + " has " + precision + " bits, DICOM BitsAllocated is " + desc.bitsAllocated());
            }
            if (d[q + 1] != 1 || d[q + 2] != 1) throw new CodecException(CODEC + ": component " + c + " is subsampled");
        }
        long tileWidth = u32(d, s + 20), tileHeight = u32(d, s + 24);
        long tileX = u32(d, s + 28), tileY = u32(d, s + 32);
        if (tileWidth == 0 || tileHeight == 0 || tileX > u32(d, s + 12) || tileY > u32(d, s + 16)) {
            throw new CodecException(CODEC + ": SIZ segment declares tiles of " + tileWidth + "x" + tileHeight + " at " + tileX + "," + tileY);
        }
        long tiles = ceilDiv(u32(d, s + 4) - tileX, tileWidth) * ceilDiv(u32(d, s + 8) - tileY, tileHeight);
        return new Siz(maxPrecision, signed, tiles);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Walks the code-stream's marker segments (ISO 15444-1 A.4 to A.7) up to EOC: the main header
     * holds only main-header segments, COD and QCD among them; every tile-part starts with an SOT
     * of length 10 naming a tile that exists, its header holds only tile-part segments and ends
     * with SOD, and its Psot length reaches exactly the next SOT or EOC; after EOC only zero padding.
     * jj2000 is lenient by design (it decodes a truncated or damaged stream to whatever the intact
     * packets give, and reports reading past the end by throwing ThreadDeath), so whatever this
     * walk can check is refused before the plugin sees it.
     */
    private static void checkStructure(byte[] d, int p, Siz siz) throws CodecException {
        int end = d.length;
        p += 2; // SOC
        boolean cod = false, qcd = false;
        // main header
        while (true) {
            if (p + 4 > end) throw new CodecException(CODEC + ": code-stream is truncated in its main header");
            int marker = u16(d, p);
            if (marker == 0xFF90) break;
            if (!isMainHeaderMarker(marker)) {
                throw new CodecException(CODEC + ": " + describe(marker) + " at offset " + p + " in the main header");
            }
            int length = u16(d, p + 2);
            if (length < 2 || p + 2 + length > end) {
                throw new CodecException(CODEC + ": " + describe(marker) + " segment at offset " + p + " declares " + length
                        + " bytes, " + (end - p - 2) + " present");
            }
            cod |= marker == 0xFF52;
            qcd |= marker == 0xFF5C;
            p += 2 + length;
        }
        if (!cod || !qcd) throw new CodecException(CODEC + ": main header has no " + (cod ? "QCD" : "COD") + " segment");
        boolean[] seen = new boolean[(int) Math.min(siz.tiles(), 1 << 16)];
        while (true) {
            if (p + 2 > end) throw new CodecException(CODEC + ": code-stream is truncated (no EOC marker)");
            int marker = u16(d, p);
            if (marker == 0xFFD9) {
                p += 2;
                break;
            }
            if (marker != 0xFF90) {
                throw new CodecException(CODEC + ": expected a tile-part (SOT) or EOC at offset " + p + ", found " + describe(marker));
            }
            if (p + 12 > end) throw new CodecException(CODEC + ": code-stream is truncated in a tile-part header");
            int lsot = u16(d, p + 2);
            if (lsot != 10) throw new CodecException(CODEC + ": SOT segment at offset " + p + " declares " + lsot + " bytes, 10 expected");
            int tile = u16(d, p + 4);
            long psot = u32(d, p + 6);
            int tilePart = d[p + 10] & 0xFF, tileParts = d[p + 11] & 0xFF;
            if (tile >= siz.tiles()) throw new CodecException(CODEC + ": tile-part of tile " + tile + ", the image has " + siz.tiles() + " tiles");
            if (tileParts != 0 && tilePart >= tileParts) {
                throw new CodecException(CODEC + ": tile-part " + tilePart + " of " + tileParts + " of tile " + tile);
            }
            if (tile < seen.length) seen[tile] = true;
            long tileEnd;
            if (psot == 0) {
                // the last tile-part runs to EOC
                int last = end - 1;
                while (last > p && d[last] == 0) last--; // zero padding after EOC
                int eoc = last - 1;
                if (eoc < p + 14 || u16(d, eoc) != 0xFFD9) throw new CodecException(CODEC + ": code-stream is truncated (no EOC marker)");
                tileEnd = eoc;
            } else {
                if (psot < 14 || p + psot > end) {
                    throw new CodecException(CODEC + ": tile-part of " + psot + " bytes, " + (end - p) + " present (truncated)");
                }
                tileEnd = p + psot;
            }
            int q = p + 12;
            while (true) {
                if (q + 2 > tileEnd) throw new CodecException(CODEC + ": tile-part header at offset " + p + " has no SOD marker");
                int m = u16(d, q);
                if (m == 0xFF93) break;
                if (!isTilePartHeaderMarker(m)) {
                    throw new CodecException(CODEC + ": " + describe(m) + " at offset " + q + " in a tile-part header");
                }
                if (q + 4 > tileEnd) throw new CodecException(CODEC + ": tile-part header at offset " + p + " is truncated");
                int length = u16(d, q + 2);
                if (length < 2 || q + 2 + length > tileEnd) {
                    throw new CodecException(CODEC + ": " + describe(m) + " segment at offset " + q + " declares " + length
                            + " bytes, past the end of its tile-part");
                }
                q += 2 + length;
            }
            p = (int) tileEnd;
        }
        for (int t = 0; t < seen.length; t++) {
            if (!seen[t]) throw new CodecException(CODEC + ": tile " + t + " of " + siz.tiles() + " has no tile-part");
        }
        for (int i = p; i < end; i++) {
            if (d[i] != 0) throw new CodecException(CODEC + ": " + (end - p) + " bytes after the EOC marker (data left over)");
        }
    }

    /** SIZ, COD, COC, TLM, PLM, QCD, QCC, RGN, POC, PPM, CRG, COM and Part 2/15 capability markers (CAP, CPF). */
    private static boolean isMainHeaderMarker(int m) {
        return m == 0xFF50 || m == 0xFF51 || m == 0xFF52 || m == 0xFF53 || m == 0xFF55 || m == 0xFF57 || m == 0xFF59 || m == 0xFF5C
                || m == 0xFF5D || m == 0xFF5E || m == 0xFF5F || m == 0xFF60 || m == 0xFF63 || m == 0xFF64;
    }

    /** COD, COC, QCD, QCC, RGN, POC, PLT, PPT, COM. */
    private static boolean isTilePartHeaderMarker(int m) {
        return m == 0xFF52 || m == 0xFF53 || m == 0xFF5C || m == 0xFF5D || m == 0xFF5E || m == 0xFF5F || m == 0xFF58
                || m == 0xFF61 || m == 0xFF64;
    }

    private static String describe(int marker) {
        return (marker & 0xFF00) == 0xFF00 ? String.format("marker 0x%04X", marker) : String.format("bytes 0x%04X (not a marker)", marker);
    }

    private static int u16(byte[] d, int p) {
        return (d[p] & 0xFF) << 8 | d[p + 1] & 0xFF;
    }

    private static long u32(byte[] d, int p) {
        return ((long) u16(d, p) << 16) | u16(d, p + 2);
    }
}
