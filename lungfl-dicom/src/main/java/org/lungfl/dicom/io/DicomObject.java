package org.lungfl.dicom.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A data set or sequence item: elements sorted by tag, values read on demand from the file bytes.
 * Typed accessors interpret a value as the caller expects it (implicit VR files carry no VR).
 */
public final class DicomObject {
    private final ByteBuffer buf;
    private final boolean bigEndian;
    private DicomElement[] elements = new DicomElement[48];
    private int size;
    private boolean sorted = true;

    DicomObject(ByteBuffer buf, boolean bigEndian) {
        this.buf = buf;
        this.bigEndian = bigEndian;
    }

    void add(DicomElement e) {
        if (size > 0 && elements[size - 1].tag() >= e.tag()) sorted = false;
        if (size == elements.length) elements = Arrays.copyOf(elements, size * 2);
        elements[size++] = e;
    }

    /** Files written out of tag order still read; lookups need the order (the sort is stable: the first duplicate wins). */
    void seal() {
        if (!sorted) {
            elements = Arrays.copyOf(elements, size);
            Arrays.sort(elements, Comparator.comparingInt(e -> e.tag() ^ Integer.MIN_VALUE));
            sorted = true;
        }
    }

    public int size() { return size; }

    public DicomElement element(int index) { return elements[index]; }

    public boolean contains(int tag) { return get(tag) != null; }

    /** The element with this tag, or null. */
    public DicomElement get(int tag) {
        int lo = 0, hi = size - 1, key = tag ^ Integer.MIN_VALUE;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int t = elements[mid].tag() ^ Integer.MIN_VALUE;
            if (t < key) lo = mid + 1;
            else if (t > key) hi = mid - 1;
            else {
                while (mid > 0 && elements[mid - 1].tag() == tag) mid--;
                return elements[mid];
            }
        }
        return null;
    }

    /** The value as text with padding (spaces, NUL) trimmed, or null when absent or empty. */
    public String string(int tag) {
        DicomElement e = get(tag);
        if (e == null || e.isSequence() || e.isEncapsulated()) return null;
        int from = e.offset(), to = from + e.length();
        while (from < to && buf.get(from) == ' ') from++;
        while (to > from && (buf.get(to - 1) == ' ' || buf.get(to - 1) == 0)) to--;
        return to == from ? null : new String(Bytes.copy(buf, from, to - from), StandardCharsets.ISO_8859_1);
    }

    /** An unsigned 16-bit value (US), or null when absent or shorter than 2 bytes. */
    public Integer uint16(int tag) {
        DicomElement e = get(tag);
        if (e == null || e.isSequence() || e.isEncapsulated() || e.length() < 2) return null;
        return Bytes.u16(buf, e.offset(), bigEndian);
    }

    /** Decimal strings (DS) split at backslashes, or null when absent. */
    public double[] decimals(int tag) {
        String s = string(tag);
        if (s == null) return null;
        String[] parts = s.split("\\\\", -1);
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            v[i] = Double.parseDouble(p);
            if (!Double.isFinite(v[i])) throw new NumberFormatException("not finite: " + p);
        }
        return v;
    }

    /** The first integer string (IS) value, or null when absent. */
    public Integer integerString(int tag) {
        String s = string(tag);
        if (s == null) return null;
        int bs = s.indexOf('\\');
        String p = (bs < 0 ? s : s.substring(0, bs)).trim();
        if (p.startsWith("+")) p = p.substring(1);
        return Integer.valueOf(p);
    }

    /** Items of a sequence, or an empty list. */
    public List<DicomObject> items(int tag) {
        DicomElement e = get(tag);
        return e == null ? List.of() : e.items();
    }

    /** A copy of the raw value bytes, or null (for sequences and encapsulated data too). */
    public byte[] bytes(int tag) {
        DicomElement e = get(tag);
        if (e == null || e.isSequence() || e.isEncapsulated()) return null;
        return Bytes.copy(buf, e.offset(), e.length());
    }

    ByteBuffer buffer() { return buf; }

    boolean bigEndian() { return bigEndian; }
}
