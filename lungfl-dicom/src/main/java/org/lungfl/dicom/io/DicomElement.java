package org.lungfl.dicom.io;

import java.util.List;

/**
 * One data element: its value stays in the file's byte array (offset, length), nothing is copied.
 * A sequence carries its items; encapsulated Pixel Data carries its fragments.
 */
public final class DicomElement {
    private final int tag;
    private final int vr;
    private final int offset;
    private final int length;
    private final List<DicomObject> items;
    private final Fragments fragments;

    DicomElement(int tag, int vr, int offset, int length, List<DicomObject> items, Fragments fragments) {
        this.tag = tag;
        this.vr = vr;
        this.offset = offset;
        this.length = length;
        this.items = items;
        this.fragments = fragments;
    }

    public int tag() { return tag; }

    /** The explicit VR ("OB", "SQ", ...), or "implicit" when the transfer syntax has none. */
    public String vr() { return Vr.name(vr); }

    int vrCode() { return vr; }

    /** Offset of the value in the (possibly inflated) data set bytes. */
    int offset() { return offset; }

    /** Value length in bytes; -1 for undefined-length sequences and encapsulated Pixel Data. */
    public int length() { return length; }

    public boolean isSequence() { return items != null; }

    public boolean isEncapsulated() { return fragments != null; }

    /** Items of a sequence, or an empty list. */
    public List<DicomObject> items() { return items == null ? List.of() : items; }

    Fragments fragments() { return fragments; }

    @Override
    public String toString() {
        return Tag.toString(tag) + " " + vr() + " #" + length;
    }
}
