package org.lungfl.dicom.codec;

import java.util.function.Consumer;

/**
 * JPEG-LS (ITU-T T.87 / ISO 14495-1) lossless and near-lossless decoder, transfer syntaxes
 * 1.2.840.10008.1.2.4.80 and .81.
 *
 * <p>Supports precision 2–16, any number of components coded in non-interleaved, line-interleaved
 * or sample-interleaved scans, and LSE preset coding parameters. Rejects what it does not
 * implement (mapping tables, restart intervals, point transform, subsampling) with a message
 * saying so, rather than returning wrong pixels.
 */
public final class JpegLsDecoder implements FrameDecoder {
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOF55 = 0xF7;
    private static final int LSE = 0xF8;
    private static final int SOS = 0xDA;
    private static final int DRI = 0xDD;
    private static final int COM = 0xFE;
    /** Output allocation limit (512 MB of samples): a few bytes of run mode can claim any size. */
    private static final long MAX_SAMPLES = 1L << 27;
    /** DCMTK and GDCM leave 0–7 bits; allow a padding byte or two more. */
    private static final int MAX_UNUSED_BITS = 24;

    public JpegLsDecoder() {}

    @Override
    public int[] decode(byte[] frame, ImageDescriptor d, Consumer<String> warnings) throws CodecException {
        return new Parse(frame, d).run();
    }

    /** State of one decode call; the decoder itself stays immutable and thread-safe. */
    private static final class Parse {
        private final byte[] data;
        private final ImageDescriptor descriptor;
        private int pos;
        private int precision;
        private int width;
        private int height;
        private int[] componentIds;
        private boolean[] decoded;
        private int[] out;
        private int presetMaxVal;
        private int presetT1;
        private int presetT2;
        private int presetT3;
        private int presetReset;

        Parse(byte[] data, ImageDescriptor descriptor) {
            this.data = data;
            this.descriptor = descriptor;
        }

        int[] run() throws CodecException {
            if (data.length < 2 || u8(0) != 0xFF || u8(1) != SOI) {
                throw new CodecException("JPEG-LS: codestream does not start with an SOI marker");
            }
            pos = 2;
            while (true) {
                int marker = nextMarker();
                if (marker == EOI) {
                    break;
                }
                switch (marker) {
                    case SOF55 -> readFrameHeader();
                    case LSE -> readPresetParameters();
                    case SOS -> readScan();
                    case DRI -> readRestartInterval();
                    default -> skipSegment(marker);
                }
            }
            if (out == null) {
                throw new CodecException("JPEG-LS: codestream ends without a frame header");
            }
            for (int i = 0; i < decoded.length; i++) {
                if (!decoded[i]) {
                    throw new CodecException("JPEG-LS: component " + componentIds[i] + " is not in any scan");
                }
            }
            return out;
        }

        private int nextMarker() throws CodecException {
            if (pos >= data.length || u8(pos) != 0xFF) {
                throw new CodecException(pos >= data.length
                        ? "JPEG-LS: codestream truncated, no EOI marker"
                        : "JPEG-LS: expected a marker at byte " + pos);
            }
            while (pos < data.length && u8(pos) == 0xFF) {
                pos++; // 0xFF fill bytes may precede any marker
            }
            if (pos >= data.length) {
                throw new CodecException("JPEG-LS: codestream truncated, no EOI marker");
            }
            return u8(pos++);
        }

        /** Returns the start of the segment's parameters after checking its length field. */
        private int segment(String name) throws CodecException {
            if (pos + 2 > data.length) {
                throw new CodecException("JPEG-LS: " + name + " segment truncated");
            }
            int length = u16(pos);
            if (length < 2 || pos + length > data.length) {
                throw new CodecException("JPEG-LS: " + name + " segment length " + length + " passes the end of the "
                        + data.length + "-byte codestream");
            }
            int start = pos + 2;
            pos += length;
            return start;
        }

        private void skipSegment(int marker) throws CodecException {
            boolean app = marker >= 0xE0 && marker <= 0xEF;
            if (!app && marker != COM) {
                String what = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
                        ? "a JPEG (not JPEG-LS) frame header SOF" + (marker - 0xC0)
                        : String.format("unexpected marker 0xFF%02X", marker);
                throw new CodecException("JPEG-LS: " + what + " at byte " + (pos - 2));
            }
            int start = segment("APP/COM");
            if (marker == 0xE8 && pos - start >= 5 && u8(start) == 'm' && u8(start + 1) == 'r'
                    && u8(start + 2) == 'f' && u8(start + 3) == 'x' && u8(start + 4) != 0) {
                throw new CodecException("JPEG-LS: HP colour transform " + u8(start + 4) + " (APP8 mrfx) is not supported");
            }
        }

        private void readFrameHeader() throws CodecException {
            if (out != null) {
                throw new CodecException("JPEG-LS: second frame header");
            }
            int p = segment("SOF55");
            int components = pos - p >= 6 ? u8(p + 5) : -1;
            if (components < 1 || pos - p != 6 + 3 * components) {
                throw new CodecException("JPEG-LS: SOF55 segment length does not match its component count");
            }
            precision = u8(p);
            height = u16(p + 1);
            width = u16(p + 3);
            if (precision < 2 || precision > 16) {
                throw new CodecException("JPEG-LS: precision " + precision + " outside 2..16");
            }
            if (height == 0) {
                throw new CodecException("JPEG-LS: height 0 (defined by a DNL marker) is not supported");
            }
            if (width != descriptor.columns() || height != descriptor.rows()) {
                throw new CodecException("JPEG-LS: frame is " + width + "x" + height + " (columns x rows) but the DICOM header says "
                        + descriptor.columns() + "x" + descriptor.rows());
            }
            if (components != descriptor.samplesPerPixel()) {
                throw new CodecException("JPEG-LS: frame has " + components + " components but the DICOM header says "
                        + descriptor.samplesPerPixel() + " samples per pixel");
            }
            if (precision > descriptor.bitsAllocated()) {
                throw new CodecException("JPEG-LS: precision " + precision + " exceeds bits allocated "
                        + descriptor.bitsAllocated());
            }
            componentIds = new int[components];
            for (int i = 0; i < components; i++) {
                int c = p + 6 + 3 * i;
                componentIds[i] = u8(c);
                if (u8(c + 1) != 0x11) {
                    throw new CodecException("JPEG-LS: component " + u8(c) + " is subsampled, which is not supported");
                }
                for (int j = 0; j < i; j++) {
                    if (componentIds[j] == componentIds[i]) {
                        throw new CodecException("JPEG-LS: component id " + componentIds[i] + " appears twice");
                    }
                }
            }
            long samples = (long) width * height * components;
            if (samples > MAX_SAMPLES) {
                throw new CodecException("JPEG-LS: frame of " + samples + " samples exceeds the limit of " + MAX_SAMPLES);
            }
            out = new int[(int) samples];
            decoded = new boolean[components];
        }

        private void readPresetParameters() throws CodecException {
            int p = segment("LSE");
            int id = pos - p >= 1 ? u8(p) : -1;
            if (id < 0) {
                throw new CodecException("JPEG-LS: empty LSE segment");
            }
            if (id != 1) {
                throw new CodecException(id == 2 || id == 3
                        ? "JPEG-LS: mapping tables (LSE id " + id + ") are not supported"
                        : "JPEG-LS: LSE preset id " + id + " is not supported");
            }
            if (pos - p != 11) {
                throw new CodecException("JPEG-LS: LSE preset coding parameters segment has length " + (pos - p + 2)
                        + ", expected 13");
            }
            presetMaxVal = u16(p + 1);
            presetT1 = u16(p + 3);
            presetT2 = u16(p + 5);
            presetT3 = u16(p + 7);
            presetReset = u16(p + 9);
        }

        private void readRestartInterval() throws CodecException {
            int p = segment("DRI");
            int size = pos - p; // T.87 C.2.5 widens the interval to 2, 3 or 4 bytes
            if (size < 2 || size > 4) {
                throw new CodecException("JPEG-LS: DRI segment length " + (size + 2) + " is not 4, 5 or 6");
            }
            for (int i = p; i < pos; i++) {
                if (data[i] != 0) {
                    throw new CodecException("JPEG-LS: restart intervals are not supported");
                }
            }
        }

        private void readScan() throws CodecException {
            if (out == null) {
                throw new CodecException("JPEG-LS: scan before the frame header");
            }
            int p = segment("SOS");
            int count = pos - p >= 1 ? u8(p) : -1;
            if (count < 1 || count > componentIds.length || pos - p != 4 + 2 * count) {
                throw new CodecException("JPEG-LS: SOS segment length does not match its component count");
            }
            int[] indexes = new int[count];
            for (int i = 0; i < count; i++) {
                int id = u8(p + 1 + 2 * i);
                int index = indexOf(componentIds, id);
                if (index < 0) {
                    throw new CodecException("JPEG-LS: scan names unknown component " + id);
                }
                if (decoded[index]) {
                    throw new CodecException("JPEG-LS: component " + id + " is in two scans");
                }
                if (u8(p + 2 + 2 * i) != 0) {
                    throw new CodecException("JPEG-LS: mapping table " + u8(p + 2 + 2 * i) + " is not supported");
                }
                decoded[index] = true;
                indexes[i] = index;
            }
            int s = p + 1 + 2 * count;
            int near = u8(s);
            int interleave = u8(s + 1);
            if (u8(s + 2) != 0) {
                throw new CodecException("JPEG-LS: point transform " + u8(s + 2) + " is not supported");
            }
            if (interleave > 2 || (count > 1 && interleave == 0)) {
                throw new CodecException("JPEG-LS: interleave mode " + interleave + " is invalid for " + count + " component(s)");
            }
            JpegLsParameters parameters = JpegLsParameters.resolve(
                    precision, presetMaxVal, presetT1, presetT2, presetT3, presetReset, near);
            int end = endOfScanData(pos);
            JpegLsBitReader reader = new JpegLsBitReader(data, pos, end);
            JpegLsScanDecoder scan = new JpegLsScanDecoder(reader, width, height, parameters);
            if (count > 1 && interleave == 2) {
                scan.decodeSampleInterleaved(out, componentIds.length, indexes);
            } else {
                scan.decodeLineInterleaved(out, componentIds.length, indexes);
            }
            // An encoder leaves at most the padding of its last byte and one byte after a final
            // 0xFF; more means the stream was not what its header said (CharLS and DCMTK refuse it too).
            if (reader.unusedBits() > MAX_UNUSED_BITS) {
                throw new CodecException("JPEG-LS: " + reader.unusedBits() / 8 + " bytes of scan data left after the last line");
            }
            if (near > 0 && precision > descriptor.bitsStored()) clampToBitsStored(indexes);
            pos = end;
        }

        /**
         * Near-lossless reconstruction may overshoot the original by up to NEAR, and T.87 A.4.5
         * clamps it to [0, MAXVAL]. GDCM writes 12-bit data with P=16 and MAXVAL 65535, so a bone
         * pixel of 4095 can come back as 4098, which masking to BitsStored would wrap to 2 (air):
         * clamp to the BitsStored range instead, as the encoder would have with the true MAXVAL.
         * Signed data is coded as P-bit two's complement patterns (GDCM keeps them sign-extended).
         */
        private void clampToBitsStored(int[] components) {
            int bits = descriptor.bitsStored();
            boolean signed = descriptor.signed();
            int min = signed ? -(1 << (bits - 1)) : 0;
            int max = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
            int shift = 32 - precision;
            int stride = componentIds.length;
            for (int c : components) {
                for (int i = c; i < out.length; i += stride) {
                    int v = signed ? out[i] << shift >> shift : out[i];
                    out[i] = v < min ? min : Math.min(v, max);
                }
            }
        }

        /** The entropy-coded data ends at the first 0xFF followed by a byte with its MSB set. */
        private int endOfScanData(int from) throws CodecException {
            for (int i = from; i + 1 < data.length; i++) {
                if (data[i] == (byte) 0xFF && data[i + 1] < 0) {
                    return i;
                }
            }
            throw new CodecException("JPEG-LS: scan data truncated, no marker after it");
        }

        private static int indexOf(int[] values, int value) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == value) {
                    return i;
                }
            }
            return -1;
        }

        private int u8(int i) {
            return data[i] & 0xFF;
        }

        private int u16(int i) {
            return (data[i] & 0xFF) << 8 | (data[i + 1] & 0xFF);
        }
    }
}
