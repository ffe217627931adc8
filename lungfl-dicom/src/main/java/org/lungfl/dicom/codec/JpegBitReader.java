package org.lungfl.dicom.codec;

/**
 * Reads the entropy-coded segment of a scan: un-stuffs FF00, stops at the next marker, and
 * refuses to let the decoder consume bits that are not there (it pads with zeros only so that
 * lookahead near the end works; consuming padding means the data is truncated or corrupt).
 */
final class JpegBitReader {
    private final byte[] data;
    private final int end;
    private int pos;
    private long acc;
    /** Bits held in acc, including padding. */
    private int bits;
    /** Zero bits appended after a marker or the end of the data. */
    private int pad;
    private boolean stopped;

    JpegBitReader(byte[] data, int start, int end) {
        this.data = data;
        this.pos = start;
        this.end = end;
    }

    private void fill() {
        while (bits <= 56) {
            int b = 0;
            if (!stopped) {
                if (pos >= end) {
                    stopped = true;
                } else if ((b = data[pos] & 0xFF) != 0xFF) {
                    pos++;
                } else {
                    // as libjpeg: any run of FF followed by 00 is one data byte FF, else a marker
                    int p = pos + 1;
                    while (p < end && data[p] == (byte) 0xFF) p++;
                    if (p < end && data[p] == 0) {
                        pos = p + 1;
                    } else {
                        pos = Math.min(p, end) - 1;
                        stopped = true;
                        b = 0;
                    }
                }
            }
            if (stopped) pad += 8;
            acc = (acc << 8) | b;
            bits += 8;
        }
    }

    private void consume(int n) throws CodecException {
        bits -= n;
        if (bits < pad) throw new CodecException("JPEG: entropy-coded data ends early (truncated or corrupt)");
    }

    int bits(int n) throws CodecException {
        if (bits < n) fill();
        consume(n);
        return (int) (acc >>> bits) & ((1 << n) - 1);
    }

    /** Reads n bits as a signed value of category n (F.2.2.1, EXTEND). */
    int signed(int n) throws CodecException {
        if (n == 0) return 0;
        int v = bits(n);
        return v < (1 << (n - 1)) ? v - (1 << n) + 1 : v;
    }

    /** The next LOOKAHEAD bits, not consumed. */
    int peek() {
        if (bits < 16) fill();
        return (int) (acc >>> (bits - JpegHuffmanTable.LOOKAHEAD)) & ((1 << JpegHuffmanTable.LOOKAHEAD) - 1);
    }

    void skip(int n) throws CodecException {
        consume(n);
    }

    int decode(JpegHuffmanTable t) throws CodecException {
        if (bits < 16) fill();
        int entry = t.lookup[(int) (acc >>> (bits - JpegHuffmanTable.LOOKAHEAD)) & ((1 << JpegHuffmanTable.LOOKAHEAD) - 1)];
        if (entry != 0) {
            consume(entry >>> 8);
            return entry & 0xFF;
        }
        int window = (int) (acc >>> (bits - 16)) & 0xFFFF;
        for (int len = JpegHuffmanTable.LOOKAHEAD + 1; len <= 16; len++) {
            int code = window >>> (16 - len);
            if (code <= t.maxCode[len]) {
                consume(len);
                return t.values[t.valueOffset[len] + code];
            }
        }
        throw new CodecException("JPEG: invalid Huffman code in the entropy-coded data");
    }

    /**
     * Ends the current entropy-coded segment: only the padding of its last byte may be left,
     * and the next thing must be a marker (or the end of the data).
     *
     * @return the position of the marker's first byte (or the end of the data)
     */
    int finishSegment() throws CodecException {
        if (bits - pad >= 8) throw new CodecException("JPEG: unexpected data after the last block of an interval");
        if (!stopped && pos < end) {
            int p = pos;
            while (p < end && data[p] == (byte) 0xFF) p++;
            if (p == pos || (p < end && data[p] == 0)) {
                throw new CodecException("JPEG: unexpected data after the last block of an interval");
            }
        }
        return pos;
    }

    /** Consumes the restart marker RST(n) that must follow an interval and resets the bit buffer. */
    void restart(int n) throws CodecException {
        int p = finishSegment();
        while (p + 1 < end && data[p + 1] == (byte) 0xFF) p++;
        if (p + 1 >= end || (data[p + 1] & 0xFF) != 0xD0 + n) {
            String found = p + 1 >= end ? "end of data" : String.format("marker 0xFF%02X", data[p + 1] & 0xFF);
            throw new CodecException("JPEG: expected restart marker RST" + n + ", found " + found);
        }
        pos = p + 2;
        acc = 0;
        bits = 0;
        pad = 0;
        stopped = false;
    }
}
