package org.lungfl.dicom.io;

/**
 * The items of encapsulated Pixel Data (PS3.5 A.4): the basic offset table, then the fragments,
 * as positions in the data set bytes. Packed in int arrays: a CT slice has one fragment, a
 * multi-frame cine thousands.
 */
final class Fragments {
    final int botOffset;
    final int botLength;
    /** Position of each fragment's item tag, relative to the first fragment's item tag (the BOT's origin). */
    final int[] itemStart;
    final int[] offset;
    final int[] length;
    final int count;

    Fragments(int botOffset, int botLength, int[] itemStart, int[] offset, int[] length, int count) {
        this.botOffset = botOffset;
        this.botLength = botLength;
        this.itemStart = itemStart;
        this.offset = offset;
        this.length = length;
        this.count = count;
    }
}
