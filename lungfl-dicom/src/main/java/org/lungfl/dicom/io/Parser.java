package org.lungfl.dicom.io;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.lungfl.dicom.DicomException;

/** One parse of one file. Not thread-safe; cheap to create. */
final class Parser {
    static final int MAX_DEPTH = 16;
    private static final long UNDEFINED = 0xFFFFFFFFL;

    /** Trailing data longer than this is not read to check that it is all zero padding. */
    private static final int TRAILER_CHECKED = 1 << 16;

    private final Path path;
    /** The bytes being parsed: the file (in memory or mapped), or the inflated data set of a deflated file. */
    private ByteBuffer b;
    private int end;
    private final List<String> warnings = new ArrayList<>();
    private boolean oddFragmentSeen;

    Parser(ByteBuffer bytes, Path path) {
        this.b = bytes;
        this.end = bytes.limit();
        this.path = path;
    }

    DicomFile parseFile() throws DicomException {
        if (end == 0) throw fail("empty file");
        int pos;
        if (end >= 132 && b.get(128) == 'D' && b.get(129) == 'I' && b.get(130) == 'C' && b.get(131) == 'M') pos = 132;
        else if (looksLikeRawDataset()) pos = 0;
        else throw fail("not a DICOM file (no 'DICM' at byte 128 and no data set at byte 0)");

        DicomObject meta = new DicomObject(b, false);
        pos = parseMeta(meta, pos);
        String uid = meta.string(Tag.TRANSFER_SYNTAX_UID);
        TransferSyntax ts;
        if (uid != null) {
            ts = TransferSyntax.of(uid).orElseThrow(() -> fail("unsupported transfer syntax UID " + printable(uid)));
        } else if (pos == 0 && Bytes.u16(b, 0, true) == 0x0008 && explicitVrAt(0)) {
            // a raw data set in explicit VR big endian (the only big endian syntax): group 0008 reads 0x0008 big endian
            ts = TransferSyntax.EXPLICIT_VR_BIG_ENDIAN;
        } else {
            // No file meta (raw data set) or a meta group without the UID: the first element says which LE syntax.
            ts = explicitVrAt(pos) ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
        }
        boolean explicit = ts.explicitVr();
        if (ts.deflated()) {
            b = ByteBuffer.wrap(inflate(pos));
            end = b.limit();
            pos = 0;
        } else if (!ts.bigEndian() && !ts.encapsulated() && end - pos >= 8) {
            // Some writers label implicit data as explicit or the reverse; the first element's bytes decide.
            explicit = explicitVrAt(pos);
        }
        DicomObject dataset = new DicomObject(b, ts.bigEndian());
        while (pos < end) {
            if (trailingPadding(pos)) break;
            pos = parseElement(dataset, pos, end, explicit, ts.bigEndian(), 0, true);
        }
        dataset.seal();
        if (dataset.size() == 0) throw fail("no data set after the file meta information");
        return new ParsedDicomFile(path, ts, dataset, warnings);
    }

    /**
     * Zero bytes where the next element would start are padding some writers append, not an
     * element (group 0000 never occurs in a file). A long tail is not read to the end: the data
     * set is complete without it, and reading gigabytes of it would cost more than it tells.
     */
    private boolean trailingPadding(int pos) {
        if (b.get(pos) != 0) return false;
        int checked = (int) Math.min(end, (long) pos + TRAILER_CHECKED);
        for (int i = pos; i < checked; i++) if (b.get(i) != 0) return false;
        if (checked < end) warnings.add((end - pos) + " bytes after the data set (zeros as far as checked) were ignored");
        return true;
    }

    /** A data set without preamble starts with a group 0002 or 0008 tag, little endian. */
    private boolean looksLikeRawDataset() {
        if (end < 8) return false;
        int group = Bytes.u16(b, 0, false);
        return group == 0x0002 || group == 0x0008 || (Bytes.u16(b, 0, true) == 0x0008 && explicitVrAt(0));
    }

    private boolean explicitVrAt(int pos) {
        return end - pos >= 6 && Vr.known(Bytes.u8(b, pos + 4) << 8 | Bytes.u8(b, pos + 5));
    }

    /** Group 0002 is always explicit VR little endian; a few writers used implicit, which the VR bytes reveal. */
    private int parseMeta(DicomObject meta, int pos) throws DicomException {
        while (end - pos >= 8 && Bytes.u16(b, pos, false) == 0x0002)
            pos = parseElement(meta, pos, end, explicitVrAt(pos), false, 0, false);
        meta.seal();
        return pos;
    }

    /** Parses the element at pos into obj and returns the position after it. */
    private int parseElement(DicomObject obj, int pos, int limit, boolean explicit, boolean be, int depth, boolean topLevel)
            throws DicomException {
        if (limit - pos < 8) throw fail("truncated element header at byte " + pos);
        int tag = Bytes.tag(b, pos, be);
        if (tag == Tag.SEQUENCE_DELIMITATION && topLevel) return pos + 8; // a stray delimiter some writers leave: harmless
        if ((tag >>> 16) == 0xFFFE) throw fail("unexpected " + Tag.toString(tag) + " delimiter or item at byte " + pos);
        int vr;
        long len;
        int valuePos;
        if (explicit) {
            vr = Bytes.u8(b, pos + 4) << 8 | Bytes.u8(b, pos + 5);
            if (!Vr.known(vr)) throw fail("invalid VR '" + Vr.name(vr) + "' of element " + Tag.toString(tag) + " at byte " + pos);
            if (Vr.longLength(vr)) {
                if (limit - pos < 12) throw fail("truncated element header at byte " + pos);
                len = Bytes.u32(b, pos + 8, be);
                valuePos = pos + 12;
            } else {
                len = Bytes.u16(b, pos + 6, be);
                valuePos = pos + 8;
            }
        } else {
            vr = tag == Tag.PIXEL_DATA ? Vr.OW : Vr.NONE;
            len = Bytes.u32(b, pos + 4, be);
            valuePos = pos + 8;
        }
        if (len == UNDEFINED) {
            if (tag == Tag.PIXEL_DATA) return parseEncapsulated(obj, tag, vr, valuePos, limit, be);
            if (vr == Vr.SQ || vr == Vr.NONE) return parseSequence(obj, tag, valuePos, limit, true, explicit, be, depth);
            // PS3.5 6.2.2: UN of undefined length is a sequence encoded in implicit VR little endian.
            if (vr == Vr.UN) return parseSequence(obj, tag, valuePos, limit, true, false, false, depth);
            throw fail("undefined length on element " + Tag.toString(tag) + " of VR " + Vr.name(vr));
        }
        if (len > limit - valuePos)
            throw fail("element " + Tag.toString(tag) + " claims " + len + " bytes but only " + (limit - valuePos) + " remain");
        if ((len & 1) != 0) throw fail("odd length " + len + " of element " + Tag.toString(tag));
        int n = (int) len;
        if (vr == Vr.SQ) return parseSequence(obj, tag, valuePos, valuePos + n, false, explicit, be, depth);
        if (vr == Vr.NONE && n >= 8 && Bytes.tag(b, valuePos, be) == Tag.ITEM && !isPrivateCreatorOrGroupLength(tag)) {
            // Implicit VR carries no "SQ": a value that starts with an item tag is read as a sequence,
            // and kept as plain bytes when it does not parse as one.
            try {
                return parseSequence(obj, tag, valuePos, valuePos + n, false, explicit, be, depth);
            } catch (DicomException notASequence) {
                // fall through
            }
        }
        obj.add(new DicomElement(tag, vr, valuePos, n, null, null));
        return valuePos + n;
    }

    private static boolean isPrivateCreatorOrGroupLength(int tag) {
        int element = tag & 0xFFFF;
        return element == 0 || ((tag >>> 16) & 1) == 1 && element < 0x0100;
    }

    private int parseSequence(DicomObject obj, int tag, int pos, int limit, boolean undefined, boolean explicit, boolean be, int depth)
            throws DicomException {
        if (depth >= MAX_DEPTH) throw fail("sequences nested deeper than " + MAX_DEPTH + " levels at " + Tag.toString(tag));
        int start = pos;
        List<DicomObject> items = new ArrayList<>(2);
        while (undefined || pos < limit) {
            if (limit - pos < 8) throw fail("sequence " + Tag.toString(tag) + " is truncated at byte " + pos);
            int itemTag = Bytes.tag(b, pos, be);
            long len = Bytes.u32(b, pos + 4, be);
            pos += 8;
            if (itemTag == Tag.SEQUENCE_DELIMITATION && undefined) {
                obj.add(new DicomElement(tag, Vr.SQ, start, -1, items, null));
                return pos;
            }
            if (itemTag != Tag.ITEM)
                throw fail("expected an item in sequence " + Tag.toString(tag) + ", found " + Tag.toString(itemTag) + " at byte " + (pos - 8));
            DicomObject item = new DicomObject(b, be);
            if (len == UNDEFINED) {
                pos = parseItemUntilDelimiter(item, pos, limit, explicit, be, depth + 1);
            } else {
                if (len > limit - pos) throw fail("item in " + Tag.toString(tag) + " claims " + len + " bytes but only " + (limit - pos) + " remain");
                if ((len & 1) != 0) throw fail("odd item length " + len + " in " + Tag.toString(tag));
                int itemEnd = pos + (int) len;
                while (pos < itemEnd) pos = parseElement(item, pos, itemEnd, explicit, be, depth + 1, false);
            }
            item.seal();
            items.add(item);
        }
        obj.add(new DicomElement(tag, Vr.SQ, start, limit - start, items, null));
        return pos;
    }

    private int parseItemUntilDelimiter(DicomObject item, int pos, int limit, boolean explicit, boolean be, int depth)
            throws DicomException {
        while (true) {
            if (limit - pos < 8) throw fail("item without delimiter: truncated at byte " + pos);
            if (Bytes.tag(b, pos, be) == Tag.ITEM_DELIMITATION) return pos + 8;
            pos = parseElement(item, pos, limit, explicit, be, depth, false);
        }
    }

    /** PS3.5 A.4: a basic offset table item, fragment items, a sequence delimiter. Always little endian. */
    private int parseEncapsulated(DicomObject obj, int tag, int vr, int pos, int limit, boolean be) throws DicomException {
        if (be) throw fail("encapsulated Pixel Data in a big endian transfer syntax");
        int botOffset = -1, botLength = 0, count = 0, firstItem = -1;
        int[] itemStart = new int[4], offset = new int[4], length = new int[4];
        while (true) {
            if (limit - pos < 8) throw fail("encapsulated Pixel Data is truncated at byte " + pos + " (no sequence delimiter)");
            int itemTag = Bytes.tag(b, pos, false);
            long len = Bytes.u32(b, pos + 4, false);
            if (itemTag == Tag.SEQUENCE_DELIMITATION) {
                pos += 8;
                break;
            }
            if (itemTag != Tag.ITEM) throw fail("expected a fragment item in Pixel Data, found " + Tag.toString(itemTag) + " at byte " + pos);
            if (len == UNDEFINED) throw fail("Pixel Data fragment of undefined length at byte " + pos);
            if (len > limit - pos - 8) throw fail("Pixel Data fragment claims " + len + " bytes but only " + (limit - pos - 8) + " remain");
            if ((len & 1) != 0 && !oddFragmentSeen) {
                // PS3.5 A.4 wants even lengths; GDCM's own example 00191113.dcm has an odd one, and GDCM reads it
                oddFragmentSeen = true;
                warnings.add("Pixel Data fragment of odd length " + len + " at byte " + pos + " (PS3.5 A.4 requires even lengths)");
            }
            if (botOffset < 0) {
                botOffset = pos + 8;
                botLength = (int) len;
            } else {
                if (firstItem < 0) firstItem = pos;
                if (count == offset.length) {
                    itemStart = Arrays.copyOf(itemStart, count * 2);
                    offset = Arrays.copyOf(offset, count * 2);
                    length = Arrays.copyOf(length, count * 2);
                }
                itemStart[count] = pos - firstItem;
                offset[count] = pos + 8;
                length[count] = (int) len;
                count++;
            }
            pos += 8 + (int) len;
        }
        if (botOffset < 0) throw fail("encapsulated Pixel Data has no basic offset table item");
        obj.add(new DicomElement(tag, vr, botOffset, -1, null, new Fragments(botOffset, botLength, itemStart, offset, length, count)));
        return pos;
    }

    /** Deflated explicit VR little endian (PS3.5 A.5): raw deflate, inflated with a hard size bound. */
    private byte[] inflate(int pos) throws DicomException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(b.duplicate().position(pos).limit(end));
            byte[] out = new byte[(int) Math.min(DicomReader.MAX_INFLATED_BYTES, Math.max(1 << 16, 4L * (end - pos)))];
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) {
                    if (out.length >= DicomReader.MAX_INFLATED_BYTES)
                        throw fail("deflated data set inflates beyond " + (DicomReader.MAX_INFLATED_BYTES >> 20) + " MB (deflate bomb?)");
                    out = Arrays.copyOf(out, (int) Math.min(DicomReader.MAX_INFLATED_BYTES, 2L * out.length));
                }
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary()))
                    throw fail("deflated data set is truncated");
                n += k;
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw fail("deflated data set is corrupt (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    private DicomException fail(String reason) {
        return new DicomException(path, reason);
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return s.length() > 64 ? sb + "..." : sb.toString();
    }
}
