package org.lungfl.dicom.codec;

/**
 * A JPEG frame header (SOFn segment, ITU-T T.81 B.2.2): what every JPEG decoder checks against
 * the DICOM descriptor before it allocates anything.
 */
record JpegFrameHeader(int sof, int precision, int lines, int samplesPerLine, int[] ids, int[] h, int[] v, int[] tq) {

    static boolean isSof(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** Parses the SOF segment whose payload (after the length field) is data[off, off + len). */
    static JpegFrameHeader parse(byte[] data, int off, int len, int sof) throws CodecException {
        if (len < 6) throw new CodecException("JPEG: frame header too short");
        int precision = data[off] & 0xFF;
        int lines = u16(data, off + 1);
        int samplesPerLine = u16(data, off + 3);
        int nf = data[off + 5] & 0xFF;
        if (nf < 1 || nf > 4) throw new CodecException("JPEG: frame header declares " + nf + " components");
        if (len != 6 + 3 * nf) throw new CodecException("JPEG: frame header length does not match its " + nf + " components");
        if (lines == 0) throw new CodecException("JPEG: frame height 0 (DNL marker) is not supported");
        if (samplesPerLine == 0) throw new CodecException("JPEG: frame width is 0");
        int[] ids = new int[nf], h = new int[nf], v = new int[nf], tq = new int[nf];
        for (int i = 0; i < nf; i++) {
            int p = off + 6 + 3 * i;
            ids[i] = data[p] & 0xFF;
            h[i] = (data[p + 1] & 0xFF) >> 4;
            v[i] = data[p + 1] & 0x0F;
            tq[i] = data[p + 2] & 0xFF;
            if (h[i] < 1 || h[i] > 4 || v[i] < 1 || v[i] > 4) {
                throw new CodecException("JPEG: component " + ids[i] + " has sampling factors " + h[i] + "x" + v[i]);
            }
            if (tq[i] > 3) throw new CodecException("JPEG: component " + ids[i] + " names quantisation table " + tq[i]);
            for (int j = 0; j < i; j++) {
                if (ids[j] == ids[i]) throw new CodecException("JPEG: component id " + ids[i] + " appears twice");
            }
        }
        return new JpegFrameHeader(sof, precision, lines, samplesPerLine, ids, h, v, tq);
    }

    /** Walks the marker segments from SOI to the first SOFn and parses it; nothing is decoded. */
    static JpegFrameHeader find(byte[] data) throws CodecException {
        int end = data.length;
        if (end < 2 || data[0] != (byte) 0xFF || data[1] != (byte) 0xD8) {
            throw new CodecException("JPEG: missing SOI marker (not a JPEG codestream)");
        }
        int p = 2;
        while (true) {
            if (p >= end) throw new CodecException("JPEG: codestream ends before the frame header");
            if (data[p] != (byte) 0xFF) throw new CodecException("JPEG: expected a marker at offset " + p);
            while (p + 1 < end && data[p + 1] == (byte) 0xFF) p++;
            if (p + 1 >= end) throw new CodecException("JPEG: codestream ends before the frame header");
            int marker = data[p + 1] & 0xFF;
            p += 2;
            if (marker == 0xDA || marker == 0xD9 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                throw new CodecException(String.format("JPEG: marker 0xFF%02X before the frame header", marker));
            }
            int len = segmentLength(data, p, marker);
            if (isSof(marker)) return parse(data, p + 2, len - 2, marker);
            p += len;
        }
    }

    /** Length of the marker segment starting at p (including the length field), checked against the data. */
    static int segmentLength(byte[] data, int p, int marker) throws CodecException {
        if (p + 2 > data.length) throw new CodecException(String.format("JPEG: segment 0xFF%02X is truncated", marker));
        int len = u16(data, p);
        if (len < 2 || p + len > data.length) {
            throw new CodecException(String.format("JPEG: segment 0xFF%02X declares %d bytes, %d present",
                    marker, len, data.length - p));
        }
        return len;
    }

    /**
     * After EOI a DICOM fragment may hold padding to an even length (a zero byte, or a fill byte
     * 0xFF as some writers put), nothing else: anything more means the fragments of two frames
     * were joined or the stream was damaged.
     */
    static void checkTrailer(byte[] data, int p, String codec) throws CodecException {
        for (int i = p; i < data.length; i++) {
            if (data[i] != 0 && data[i] != (byte) 0xFF) {
                throw new CodecException(codec + ": " + (data.length - p) + " bytes after the EOI marker (data left over)");
            }
        }
    }

    static int u16(byte[] data, int p) {
        return (data[p] & 0xFF) << 8 | data[p + 1] & 0xFF;
    }

    /** Refuses a frame whose size, components or precision differ from what DICOM says. */
    void checkAgainst(ImageDescriptor d) throws CodecException {
        if (lines != d.rows() || samplesPerLine != d.columns()) {
            throw new CodecException("JPEG: frame is " + samplesPerLine + "x" + lines + ", DICOM says "
                    + d.columns() + "x" + d.rows() + " (columns x rows)");
        }
        if (ids.length != d.samplesPerPixel()) {
            throw new CodecException("JPEG: frame has " + ids.length + " components, DICOM SamplesPerPixel is " + d.samplesPerPixel());
        }
        if (precision > d.bitsAllocated()) {
            throw new CodecException("JPEG: frame precision " + precision + " bits, DICOM BitsAllocated is " + d.bitsAllocated());
        }
        if (precision < d.bitsStored()) {
            throw new CodecException("JPEG: frame precision " + precision + " bits, DICOM BitsStored is " + d.bitsStored());
        }
    }
}
