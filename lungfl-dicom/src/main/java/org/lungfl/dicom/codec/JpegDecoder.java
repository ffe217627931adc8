package org.lungfl.dicom.codec;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Sequential DCT JPEG with Huffman coding: SOF0 (baseline, 8-bit; transfer syntax 1.2.840.10008.1.2.4.50)
 * and SOF1 (extended, 8 or 12-bit; 4.51). No decoder on Maven Central reads 12-bit JPEG, and
 * one code path with libjpeg's islow IDCT gives the same samples as DCMTK's dcmdjpeg for both.
 *
 * <p>Strict: markers out of order, undefined tables, invalid Huffman codes, coefficient runs past
 * 63, missing or misnumbered restart markers, truncation and a frame that does not match the
 * descriptor are all a {@link CodecException}. Every loop is bounded by the declared frame size,
 * which is checked against the descriptor and against the bytes present before allocation.
 *
 * <p>Multi-component frames are returned as stored (no YCbCr→RGB conversion: DICOM's
 * PhotometricInterpretation says what the components are); chroma subsampling is not supported.
 * Stateless and thread-safe.
 */
public final class JpegDecoder implements FrameDecoder {
    /** A backstop against absurd frame sizes: 64 M samples (the descriptor is checked first). */
    private static final long MAX_SAMPLES = 1L << 26;

    /** Zig-zag position → natural (row-major) position, T.81 Figure A.6. */
    private static final int[] NATURAL_ORDER = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

    public JpegDecoder() {
    }

    @Override
    public int[] decode(byte[] frame, ImageDescriptor descriptor, Consumer<String> warnings) throws CodecException {
        if (frame == null || frame.length == 0) throw new CodecException("JPEG: empty frame");
        return new Decoding(frame, descriptor, warnings).run();
    }

    /** The state of one decode call. */
    private static final class Decoding {
        private final byte[] data;
        private final ImageDescriptor descriptor;
        private final Consumer<String> warnings;
        private final int[][] quant = new int[4][];
        private final JpegHuffmanTable[] dcTables = new JpegHuffmanTable[4];
        private final JpegHuffmanTable[] acTables = new JpegHuffmanTable[4];
        private int restartInterval;
        private JpegFrameHeader frame;
        private JpegIdct idct;
        private int hMax, vMax, mcusX, mcusY;
        private int[][] planes;
        private int[] planeWidth;
        private boolean[] decoded;
        private int pos;

        Decoding(byte[] data, ImageDescriptor descriptor, Consumer<String> warnings) {
            this.data = data;
            this.descriptor = descriptor;
            this.warnings = warnings;
        }

        int[] run() throws CodecException {
            int end = data.length;
            if (end < 2 || data[0] != (byte) 0xFF || data[1] != (byte) 0xD8) {
                throw new CodecException("JPEG: missing SOI marker (not a JPEG codestream)");
            }
            pos = 2;
            while (true) {
                if (pos >= end) {
                    // a missing EOI loses nothing once every scan is complete
                    if (complete()) return samples();
                    throw new CodecException("JPEG: codestream ends before all components were decoded");
                }
                if (data[pos] != (byte) 0xFF) throw new CodecException("JPEG: expected a marker at offset " + pos);
                while (pos + 1 < end && data[pos + 1] == (byte) 0xFF) pos++;
                if (pos + 1 >= end) throw new CodecException("JPEG: codestream ends inside a marker");
                int marker = data[pos + 1] & 0xFF;
                pos += 2;
                if (marker == 0xD9) {
                    if (!complete()) throw new CodecException("JPEG: EOI before all components were decoded");
                    JpegFrameHeader.checkTrailer(data, pos, "JPEG");
                    return samples();
                }
                if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0x00) {
                    throw new CodecException(String.format("JPEG: unexpected marker 0xFF%02X", marker));
                }
                int len = JpegFrameHeader.segmentLength(data, pos, marker);
                int body = pos + 2;
                int bodyLen = len - 2;
                pos += len;
                switch (marker) {
                    case 0xC0, 0xC1 -> startFrame(JpegFrameHeader.parse(data, body, bodyLen, marker));
                    case 0xC4 -> JpegHuffmanTable.readSegment(data, body, bodyLen, dcTables, acTables, 15);
                    case 0xDB -> readQuantTables(body, bodyLen);
                    case 0xDD -> {
                        if (bodyLen != 2) throw new CodecException("JPEG: DRI segment has length " + len);
                        restartInterval = JpegFrameHeader.u16(data, body);
                    }
                    case 0xDA -> decodeScan(body, bodyLen);
                    case 0xDC -> throw new CodecException("JPEG: DNL marker is not supported");
                    default -> {
                        if (JpegFrameHeader.isSof(marker)) {
                            throw new CodecException(String.format(
                                    "JPEG: SOF%d (%s) is not sequential DCT with Huffman coding", marker - 0xC0, process(marker)));
                        }
                        if (marker == 0xCC || marker == 0xDE || marker == 0xDF) {
                            throw new CodecException(String.format("JPEG: marker 0xFF%02X (arithmetic or hierarchical) is not supported", marker));
                        }
                        if (!(marker >= 0xE0 && marker <= 0xEF) && marker != 0xFE && !(marker >= 0xF0 && marker <= 0xFD)) {
                            throw new CodecException(String.format("JPEG: unexpected marker 0xFF%02X", marker));
                        }
                        // APPn, COM, JPGn: skipped
                    }
                }
            }
        }

        private static String process(int sof) {
            return switch (sof) {
                case 0xC2, 0xC6, 0xCA, 0xCE -> "progressive";
                case 0xC3, 0xC7, 0xCB, 0xCF -> "lossless";
                default -> "arithmetic or hierarchical";
            };
        }

        private boolean complete() {
            if (decoded == null) return false;
            for (boolean b : decoded) if (!b) return false;
            return true;
        }

        private void startFrame(JpegFrameHeader f) throws CodecException {
            if (frame != null) throw new CodecException("JPEG: second frame header");
            if (f.sof() == 0xC0 && f.precision() != 8) throw new CodecException("JPEG: baseline frame with precision " + f.precision());
            if (f.precision() != 8 && f.precision() != 12) throw new CodecException("JPEG: precision " + f.precision() + " (8 or 12 expected)");
            f.checkAgainst(descriptor);
            int nf = f.ids().length;
            for (int i = 0; i < nf; i++) {
                hMax = Math.max(hMax, f.h()[i]);
                vMax = Math.max(vMax, f.v()[i]);
            }
            for (int i = 0; i < nf; i++) {
                if (nf > 1 && (f.h()[i] != hMax || f.v()[i] != vMax)) {
                    throw new CodecException("JPEG: chroma subsampling is not supported");
                }
            }
            mcusX = ceilDiv(f.samplesPerLine(), 8 * hMax);
            mcusY = ceilDiv(f.lines(), 8 * vMax);
            long blocks = 0;
            for (int i = 0; i < nf; i++) blocks += (long) mcusX * f.h()[i] * mcusY * f.v()[i];
            if (blocks * 64 > MAX_SAMPLES * nf || blocks > 4L * data.length) {
                // every block costs at least two bits (a DC code and an end-of-block code)
                throw new CodecException("JPEG: frame of " + f.samplesPerLine() + "x" + f.lines()
                        + " is larger than " + data.length + " bytes can encode");
            }
            frame = f;
            idct = JpegIdct.forPrecision(f.precision());
            planes = new int[nf][];
            planeWidth = new int[nf];
            decoded = new boolean[nf];
            for (int i = 0; i < nf; i++) {
                planeWidth[i] = mcusX * f.h()[i] * 8;
                planes[i] = new int[planeWidth[i] * mcusY * f.v()[i] * 8];
            }
        }

        private void readQuantTables(int p, int len) throws CodecException {
            int end = p + len;
            while (p < end) {
                int pq = (data[p] & 0xFF) >> 4;
                int tq = data[p] & 0x0F;
                p++;
                if (pq > 1 || tq > 3) throw new CodecException("JPEG: DQT names table " + tq + " with precision code " + pq);
                int size = 64 << pq;
                if (p + size > end) throw new CodecException("JPEG: DQT segment is shorter than its tables");
                int[] q = new int[64];
                for (int k = 0; k < 64; k++) {
                    q[NATURAL_ORDER[k]] = pq == 0 ? data[p + k] & 0xFF : JpegFrameHeader.u16(data, p + 2 * k);
                }
                quant[tq] = q;
                p += size;
            }
        }

        private void decodeScan(int p, int len) throws CodecException {
            if (frame == null) throw new CodecException("JPEG: scan before the frame header");
            int ns = len > 0 ? data[p] & 0xFF : 0;
            if (ns < 1 || ns > 4 || len != 4 + 2 * ns) throw new CodecException("JPEG: malformed scan header");
            int[] comp = new int[ns];
            JpegHuffmanTable[] dc = new JpegHuffmanTable[ns], ac = new JpegHuffmanTable[ns];
            int[][] q = new int[ns][];
            int last = -1;
            int blocksPerMcu = 0;
            for (int s = 0; s < ns; s++) {
                int id = data[p + 1 + 2 * s] & 0xFF;
                int c = indexOf(frame.ids(), id);
                if (c < 0) throw new CodecException("JPEG: scan names component " + id + ", not in the frame");
                if (c <= last || decoded[c]) throw new CodecException("JPEG: component " + id + " out of order or scanned twice");
                last = c;
                int td = (data[p + 2 + 2 * s] & 0xFF) >> 4, ta = data[p + 2 + 2 * s] & 0x0F;
                if (td > 3 || ta > 3 || dcTables[td] == null || acTables[ta] == null) {
                    throw new CodecException("JPEG: scan uses an undefined Huffman table for component " + id);
                }
                if (quant[frame.tq()[c]] == null) throw new CodecException("JPEG: component " + id + " uses an undefined quantisation table");
                comp[s] = c;
                dc[s] = dcTables[td];
                ac[s] = acTables[ta];
                q[s] = quant[frame.tq()[c]];
                blocksPerMcu += frame.h()[c] * frame.v()[c];
            }
            int ss = data[p + 1 + 2 * ns] & 0xFF, se = data[p + 2 + 2 * ns] & 0xFF, a = data[p + 3 + 2 * ns] & 0xFF;
            if (ss != 0 || se != 63 || a != 0) {
                // The frame's SOF marker makes it sequential; libjpeg ignores such scan parameters
                // with a warning (JWRN_NOT_SEQUENTIAL) and so does GDCM. Some 12-bit writers set Se=0.
                warnings.accept("JPEG: scan header of a sequential frame has Ss=" + ss + " Se=" + se + " Ah/Al=" + a
                        + " (0, 63 and 0 expected); decoded as sequential, as libjpeg does");
            }
            if (ns > 1 && blocksPerMcu > 10) throw new CodecException("JPEG: interleaved scan with " + blocksPerMcu + " blocks per MCU");

            JpegBitReader in = new JpegBitReader(data, pos, data.length);
            int[] pred = new int[ns];
            int[] block = new int[64];
            int[] ws = new int[64];
            int todo = restartInterval;
            int rst = 0;
            if (ns == 1) {
                int c = comp[0];
                int bw = ceilDiv(ceilDiv(frame.samplesPerLine() * frame.h()[c], hMax), 8);
                int bh = ceilDiv(ceilDiv(frame.lines() * frame.v()[c], vMax), 8);
                int width = planeWidth[c];
                for (int by = 0; by < bh; by++) {
                    for (int bx = 0; bx < bw; bx++) {
                        if (restartInterval > 0 && todo-- == 0) {
                            in.restart(rst++ & 7);
                            pred[0] = 0;
                            todo = restartInterval - 1;
                        }
                        decodeBlock(in, dc[0], ac[0], pred, 0, block);
                        idct.transform(block, q[0], ws, planes[c], by * 8 * width + bx * 8, width);
                    }
                }
            } else {
                for (int my = 0; my < mcusY; my++) {
                    for (int mx = 0; mx < mcusX; mx++) {
                        if (restartInterval > 0 && todo-- == 0) {
                            in.restart(rst++ & 7);
                            Arrays.fill(pred, 0);
                            todo = restartInterval - 1;
                        }
                        for (int s = 0; s < ns; s++) {
                            int c = comp[s];
                            int h = frame.h()[c], v = frame.v()[c], width = planeWidth[c];
                            for (int y = 0; y < v; y++) {
                                for (int x = 0; x < h; x++) {
                                    decodeBlock(in, dc[s], ac[s], pred, s, block);
                                    idct.transform(block, q[s], ws, planes[c], ((my * v + y) * 8) * width + (mx * h + x) * 8, width);
                                }
                            }
                        }
                    }
                }
            }
            pos = in.finishSegment();
            for (int c : comp) decoded[c] = true;
        }

        /** F.2.2: one block's DC difference and AC run/size codes, into natural order. */
        private static void decodeBlock(JpegBitReader in, JpegHuffmanTable dc, JpegHuffmanTable ac,
                                        int[] pred, int s, int[] block) throws CodecException {
            Arrays.fill(block, 0);
            int diff = in.signed(in.decode(dc));
            int value = pred[s] + diff;
            pred[s] = value;
            block[0] = (short) value; // libjpeg stores coefficients as 16-bit JCOEF
            int[] fastAc = ac.fastAc;
            for (int k = 1; k < 64; k++) {
                int fast = fastAc[in.peek()];
                if (fast != 0) {
                    in.skip(fast & 0xFF);
                    k += (fast >> 8) & 15;
                    if (k > 63) throw new CodecException("JPEG: coefficient index " + k + " past 63");
                    block[NATURAL_ORDER[k]] = fast >> 16;
                    continue;
                }
                int rs = in.decode(ac);
                int run = rs >> 4, size = rs & 15;
                if (size == 0) {
                    if (run != 15) break;
                    k += 15;
                    if (k > 63) throw new CodecException("JPEG: zero run past coefficient 63");
                    continue;
                }
                k += run;
                if (k > 63) throw new CodecException("JPEG: coefficient index " + k + " past 63");
                block[NATURAL_ORDER[k]] = (short) in.signed(size);
            }
        }

        private int[] samples() {
            int nf = frame.ids().length;
            int width = frame.samplesPerLine(), height = frame.lines();
            int[] out = new int[width * height * nf];
            for (int c = 0; c < nf; c++) {
                int[] plane = planes[c];
                int stride = planeWidth[c];
                for (int y = 0, o = c; y < height; y++) {
                    for (int x = 0, i = y * stride; x < width; x++, i++, o += nf) out[o] = plane[i];
                }
            }
            return out;
        }

        private static int indexOf(int[] a, int v) {
            for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
            return -1;
        }

        private static int ceilDiv(int a, int b) {
            return (a + b - 1) / b;
        }
    }
}
