package org.lungfl.dicom.codec;

/**
 * One DHT table in the form the decoder wants: a 9-bit lookahead for the short (frequent) codes
 * and libjpeg's maxcode/valoffset arrays for the long ones (jdhuff.c, jpeg_make_d_derived_tbl).
 */
final class JpegHuffmanTable {
    static final int LOOKAHEAD = 9;

    /** (code length << 8) | symbol for every LOOKAHEAD-bit prefix, 0 when the code is longer. */
    final int[] lookup = new int[1 << LOOKAHEAD];
    /** Largest code of each length 1..16, -1 when there is none. */
    final int[] maxCode = new int[18];
    /** Index into values of a code of each length, minus that length's first code. */
    final int[] valueOffset = new int[17];
    final int[] values;
    /**
     * For AC tables: when a prefix holds a whole run/size code and its extra bits,
     * (value << 16) | (run << 8) | total length; 0 otherwise (as stb_image's fast AC table).
     */
    final int[] fastAc = new int[1 << LOOKAHEAD];

    /**
     * @param counts number of codes of each length 1..16 (index 0 unused)
     * @param symbols the symbols in code order
     */
    /**
     * Reads the tables of one DHT segment (T.81 B.2.4.2), whose payload is data[p, p + len), into
     * the DC (class 0) and AC (class 1) slots.
     *
     * @param maxDcCategory largest category a class-0 table may hold: 15 for DCT, 16 for lossless
     */
    static void readSegment(byte[] data, int p, int len, JpegHuffmanTable[] dcTables, JpegHuffmanTable[] acTables,
            int maxDcCategory) throws CodecException {
        int end = p + len;
        if (len < 17) throw new CodecException("JPEG: DHT segment of " + (len + 2) + " bytes holds no table");
        while (p < end) {
            if (p + 17 > end) throw new CodecException("JPEG: DHT segment is shorter than its tables");
            int tc = (data[p] & 0xFF) >> 4;
            int th = data[p] & 0x0F;
            if (tc > 1 || th > 3) throw new CodecException("JPEG: DHT names table class " + tc + " id " + th);
            int[] counts = new int[17];
            int total = 0;
            for (int i = 1; i <= 16; i++) total += counts[i] = data[p + i] & 0xFF;
            p += 17;
            if (total > 256 || p + total > end) throw new CodecException("JPEG: DHT table declares " + total + " symbols");
            int[] symbols = new int[total];
            for (int i = 0; i < total; i++) symbols[i] = data[p + i] & 0xFF;
            p += total;
            JpegHuffmanTable table = new JpegHuffmanTable(counts, symbols, tc == 0, maxDcCategory);
            (tc == 0 ? dcTables : acTables)[th] = table;
        }
    }

    JpegHuffmanTable(int[] counts, int[] symbols, boolean dc, int maxDcCategory) throws CodecException {
        values = symbols;
        int code = 0;
        int p = 0;
        for (int len = 1; len <= 16; len++) {
            int n = counts[len];
            if (n == 0) {
                maxCode[len] = -1;
                code <<= 1;
                continue;
            }
            valueOffset[len] = p - code;
            for (int i = 0; i < n; i++, p++, code++) {
                // codes of one length must fit in that many bits (libjpeg: JERR_BAD_HUFF_TABLE)
                if (code >= (1 << len)) throw new CodecException("JPEG: Huffman table has more codes than fit in " + len + " bits");
                if (dc && symbols[p] > maxDcCategory) {
                    throw new CodecException("JPEG: Huffman table holds category " + symbols[p] + " (at most " + maxDcCategory + ")");
                }
                if (len <= LOOKAHEAD) {
                    int shift = LOOKAHEAD - len;
                    int entry = (len << 8) | symbols[p];
                    for (int fill = code << shift, last = fill + (1 << shift); fill < last; fill++) lookup[fill] = entry;
                }
            }
            maxCode[len] = code - 1;
            code <<= 1;
        }
        maxCode[17] = Integer.MAX_VALUE; // sentinel: never reached, decode() stops at 16
        if (!dc) {
            for (int prefix = 0; prefix < lookup.length; prefix++) {
                int len = lookup[prefix] >>> 8, run = (lookup[prefix] >> 4) & 15, size = lookup[prefix] & 15;
                if (len == 0 || size == 0 || len + size > LOOKAHEAD) continue;
                int raw = (prefix >> (LOOKAHEAD - len - size)) & ((1 << size) - 1);
                int value = raw < (1 << (size - 1)) ? raw - (1 << size) + 1 : raw;
                fastAc[prefix] = (value << 16) | (run << 8) | (len + size);
            }
        }
    }
}
