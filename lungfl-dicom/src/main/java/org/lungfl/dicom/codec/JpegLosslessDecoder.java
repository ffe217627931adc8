package org.lungfl.dicom.codec;

import java.util.function.Consumer;

/**
 * JPEG lossless (ITU-T T.81 Annex H, SOF3 with Huffman coding), any predictor 1–7 and point
 * transform: transfer syntaxes 1.2.840.10008.1.2.4.57 and 4.70.
 *
 * <p>Written here rather than taken from an ImageIO plugin because the plugin LungFL used before
 * (TwelveMonkeys 3.14) returned wrong pixels without an error: when DCMTK's entropy-coded data
 * ended exactly on a byte boundary and the fill byte 0xFF that DCMTK adds for an even fragment
 * length preceded EOI, it stopped one sample early and left the last pixel 0; and it decoded
 * corrupt streams to plausible images. This decoder is strict: markers out of order, a segment
 * whose length disagrees with its content, undefined tables, invalid Huffman codes, entropy-coded
 * data that ends before the last sample or holds more than the padding of its last byte after it,
 * restart markers missing or misnumbered, and reconstructed samples outside the frame's precision
 * are all a {@link CodecException} naming what was found.
 *
 * <p>Reconstruction follows H.1.2: the first line of the scan and of each restart interval is
 * predicted from the left (its first sample from 2^(P−Pt−1)), the first sample of every other line
 * from above, the rest by the selection value; differences are modulo 2^16 (category 16 is
 * 32768 with no additional bits); samples are shifted left by Pt. Returns the unsigned bit
 * patterns (DCMTK writes P=16 even for 12-bit data: the pipeline masks to BitsStored).
 * Stateless and thread-safe.
 */
public final class JpegLosslessDecoder implements FrameDecoder {
    private static final String CODEC = "JPEG lossless";

    public JpegLosslessDecoder() {
    }

    @Override
    public int[] decode(byte[] frame, ImageDescriptor descriptor, Consumer<String> warnings) throws CodecException {
        if (frame == null || frame.length == 0) throw new CodecException(CODEC + ": empty frame");
        return new Decoding(frame, descriptor).run();
    }

    /** The state of one decode call. */
    private static final class Decoding {
        private final byte[] data;
        private final ImageDescriptor descriptor;
        private final JpegHuffmanTable[] tables = new JpegHuffmanTable[4];
        private final JpegHuffmanTable[] unusedAcTables = new JpegHuffmanTable[4];
        private int restartInterval;
        private JpegFrameHeader frame;
        /** One plane per component, in the reduced (before point transform) sample values. */
        private int[][] planes;
        private boolean[] decoded;
        private int[] pointTransform;
        private int pos;

        Decoding(byte[] data, ImageDescriptor descriptor) {
            this.data = data;
            this.descriptor = descriptor;
        }

        int[] run() throws CodecException {
            int end = data.length;
            if (end < 2 || data[0] != (byte) 0xFF || data[1] != (byte) 0xD8) {
                throw new CodecException(CODEC + ": missing SOI marker (not a JPEG codestream)");
            }
            pos = 2;
            while (true) {
                if (pos >= end) throw new CodecException(CODEC + ": codestream ends without an EOI marker");
                if (data[pos] != (byte) 0xFF) throw new CodecException(CODEC + ": expected a marker at offset " + pos
                        + String.format(", found 0x%02X (a segment length disagrees with its content)", data[pos] & 0xFF));
                while (pos + 1 < end && data[pos + 1] == (byte) 0xFF) pos++; // fill bytes
                if (pos + 1 >= end) throw new CodecException(CODEC + ": codestream ends inside a marker");
                int marker = data[pos + 1] & 0xFF;
                pos += 2;
                if (marker == 0xD9) {
                    if (frame == null || !complete()) throw new CodecException(CODEC + ": EOI before every component was decoded");
                    JpegFrameHeader.checkTrailer(data, pos, CODEC);
                    return samples();
                }
                if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0x00) {
                    throw new CodecException(String.format(CODEC + ": marker 0xFF%02X out of place at offset %d", marker, pos - 2));
                }
                int len = JpegFrameHeader.segmentLength(data, pos, marker);
                int body = pos + 2;
                int bodyLen = len - 2;
                pos += len;
                switch (marker) {
                    case 0xC3 -> startFrame(JpegFrameHeader.parse(data, body, bodyLen, marker));
                    case 0xC4 -> JpegHuffmanTable.readSegment(data, body, bodyLen, tables, unusedAcTables, 16);
                    case 0xDD -> {
                        if (bodyLen != 2) throw new CodecException(CODEC + ": DRI segment has length " + len + ", expected 4");
                        restartInterval = JpegFrameHeader.u16(data, body);
                    }
                    case 0xDA -> decodeScan(body, bodyLen);
                    case 0xDC -> throw new CodecException(CODEC + ": DNL marker is not supported");
                    case 0xDB -> {
                        // quantisation tables mean nothing to a lossless frame; some writers still copy them
                    }
                    default -> {
                        if (JpegFrameHeader.isSof(marker)) {
                            throw new CodecException(String.format(CODEC + ": frame is SOF%d, not lossless SOF3%s", marker - 0xC0,
                                    frame == null ? "" : " (second frame header)"));
                        }
                        if (marker == 0xCC) throw new CodecException(CODEC + ": arithmetic coding (DAC) is not supported");
                        if (!(marker >= 0xE0 && marker <= 0xEF) && marker != 0xFE && !(marker >= 0xF0 && marker <= 0xFD)) {
                            throw new CodecException(String.format(CODEC + ": unexpected marker 0xFF%02X at offset %d", marker, pos - len - 2));
                        }
                        // APPn, COM, JPGn: skipped
                    }
                }
            }
        }

        private boolean complete() {
            for (boolean b : decoded) if (!b) return false;
            return true;
        }

        private void startFrame(JpegFrameHeader f) throws CodecException {
            if (frame != null) throw new CodecException(CODEC + ": second frame header");
            if (f.precision() < 2 || f.precision() > 16) throw new CodecException(CODEC + ": precision " + f.precision() + " (2 to 16 expected)");
            f.checkAgainst(descriptor);
            for (int i = 0; i < f.ids().length; i++) {
                if (f.h()[i] != 1 || f.v()[i] != 1) {
                    throw new CodecException(CODEC + ": component " + f.ids()[i] + " has sampling factors " + f.h()[i] + "x" + f.v()[i]
                            + " (subsampling is not supported)");
                }
            }
            long samples = (long) f.lines() * f.samplesPerLine() * f.ids().length;
            // every sample costs at least one bit, so a tiny codestream cannot declare a huge frame
            if (samples > 8L * data.length) {
                throw new CodecException(CODEC + ": frame of " + f.samplesPerLine() + "x" + f.lines()
                        + " is larger than " + data.length + " bytes can encode");
            }
            frame = f;
            planes = new int[f.ids().length][f.lines() * f.samplesPerLine()];
            decoded = new boolean[f.ids().length];
            pointTransform = new int[f.ids().length];
        }

        private void decodeScan(int p, int len) throws CodecException {
            if (frame == null) throw new CodecException(CODEC + ": scan before the frame header");
            int ns = len > 0 ? data[p] & 0xFF : 0;
            if (ns < 1 || ns > 4 || len != 4 + 2 * ns) throw new CodecException(CODEC + ": scan header of " + (len + 2) + " bytes is malformed");
            int[] comp = new int[ns];
            JpegHuffmanTable[] table = new JpegHuffmanTable[ns];
            int last = -1;
            for (int s = 0; s < ns; s++) {
                int id = data[p + 1 + 2 * s] & 0xFF;
                int c = indexOf(frame.ids(), id);
                if (c < 0) throw new CodecException(CODEC + ": scan names component " + id + ", not in the frame");
                if (c <= last || decoded[c]) throw new CodecException(CODEC + ": component " + id + " out of order or scanned twice");
                last = c;
                int td = (data[p + 2 + 2 * s] & 0xFF) >> 4;
                if (td > 3 || tables[td] == null) throw new CodecException(CODEC + ": scan uses undefined Huffman table " + td + " for component " + id);
                comp[s] = c;
                table[s] = tables[td];
            }
            int predictor = data[p + 1 + 2 * ns] & 0xFF;
            int se = data[p + 2 + 2 * ns] & 0xFF;
            int ah = (data[p + 3 + 2 * ns] & 0xFF) >> 4;
            int pt = data[p + 3 + 2 * ns] & 0x0F;
            if (predictor < 1 || predictor > 7) throw new CodecException(CODEC + ": selection value " + predictor + " (1 to 7 expected)");
            if (se != 0 || ah != 0) throw new CodecException(CODEC + ": scan header has Se=" + se + " Ah=" + ah + " (0 expected)");
            if (pt >= frame.precision()) throw new CodecException(CODEC + ": point transform " + pt + " with precision " + frame.precision());
            int width = frame.samplesPerLine();
            int height = frame.lines();
            int rowsPerInterval = 0;
            if (restartInterval > 0) {
                // libjpeg and DCMTK restart lossless scans at row boundaries only
                if (restartInterval % width != 0) {
                    throw new CodecException(CODEC + ": restart interval of " + restartInterval + " samples is not a whole number of "
                            + width + "-sample lines (not supported)");
                }
                rowsPerInterval = restartInterval / width;
            }
            int reducedBits = frame.precision() - pt;
            int maxValue = (1 << reducedBits) - 1;
            int initial = 1 << (reducedBits - 1);

            JpegBitReader in = new JpegBitReader(data, pos, data.length);
            int rst = 0;
            boolean firstLine = true;
            for (int y = 0; y < height; y++) {
                if (rowsPerInterval > 0 && y > 0 && y % rowsPerInterval == 0) {
                    in.restart(rst++ & 7);
                    firstLine = true;
                }
                int row = y * width;
                for (int x = 0; x < width; x++) {
                    int i = row + x;
                    for (int s = 0; s < ns; s++) {
                        int[] plane = planes[comp[s]];
                        int prediction;
                        if (firstLine) {
                            prediction = x == 0 ? initial : plane[i - 1];
                        } else if (x == 0) {
                            prediction = plane[i - width];
                        } else {
                            prediction = predict(predictor, plane[i - 1], plane[i - width], plane[i - width - 1]);
                        }
                        int category = in.decode(table[s]);
                        int difference = category == 16 ? 32768 : in.signed(category);
                        int value = (prediction + difference) & 0xFFFF;
                        if (value > maxValue) {
                            throw new CodecException(CODEC + ": sample " + value + " at line " + (y + 1) + ", column " + (x + 1)
                                    + " exceeds the " + reducedBits + "-bit range (corrupt entropy-coded data)");
                        }
                        plane[i] = value;
                    }
                }
                firstLine = false;
            }
            pos = in.finishSegment();
            for (int c : comp) {
                decoded[c] = true;
                pointTransform[c] = pt;
            }
        }

        /** T.81 Table H.1, on unsigned samples in int arithmetic (as libjpeg); the sum is reduced modulo 2^16 by the caller. */
        private static int predict(int selection, int ra, int rb, int rc) {
            return switch (selection) {
                case 1 -> ra;
                case 2 -> rb;
                case 3 -> rc;
                case 4 -> ra + rb - rc;
                case 5 -> ra + ((rb - rc) >> 1);
                case 6 -> rb + ((ra - rc) >> 1);
                default -> (ra + rb) >> 1;
            };
        }

        private int[] samples() {
            int nf = planes.length;
            int pixels = planes[0].length;
            int[] out = new int[pixels * nf];
            for (int c = 0; c < nf; c++) {
                int[] plane = planes[c];
                int shift = pointTransform[c];
                for (int i = 0, o = c; i < pixels; i++, o += nf) out[o] = plane[i] << shift;
            }
            return out;
        }

        private static int indexOf(int[] a, int v) {
            for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
            return -1;
        }
    }
}
