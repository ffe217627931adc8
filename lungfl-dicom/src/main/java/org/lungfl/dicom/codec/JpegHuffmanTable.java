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
    JpegHuffmanTable(int[] counts, int[] symbols, boolean dc) throws CodecException {
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
                if (dc && symbols[p] > 15) {
                    throw new CodecException("JPEG: DC Huffman table holds category " + symbols[p] + " (at most 15)");
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
