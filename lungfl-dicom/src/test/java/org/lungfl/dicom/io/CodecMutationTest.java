package org.lungfl.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.Fixtures;
import org.lungfl.dicom.inspect.HuStatistics;

/**
 * Issue 12: mutants of the valid fixtures of every transfer syntax (fixed seed). Each mutant is
 * read and every frame decoded; it must be refused with a message naming the file, or decode to
 * exactly the HU of the original, or be listed here as changed. No mutant may crash the reader
 * (any other exception), hang it or exhaust memory.
 *
 * <p>Mutations: bytes flipped in the header or in the pixel data; the file cut short; and, inside
 * one fragment of compressed Pixel Data (its item length kept consistent, so the container stays
 * valid and only the codestream is damaged), the fragment cut short, a range deleted or
 * duplicated, a marker segment duplicated, a marker segment's length changed. A codestream whose
 * marker structure or length changed must be refused (or decode exactly, when only padding
 * changed): those are the corruptions a strict decoder can always see. Bytes flipped, deleted or
 * duplicated inside entropy-coded data can decode to other valid samples, since the codecs carry
 * no checksum and variable-length codes resynchronise; those are listed with whether a warning
 * was given (samples beyond BitsStored), and counted, not failed.
 */
class CodecMutationTest {
    private static final long SEED = 20261205L;
    private static final int MUTANTS_PER_FILE = 50;
    private static final Path NAME = Path.of("mutant.dcm");

    enum Kind {
        FLIP_HEADER(false), FLIP_PIXELS(false), TRUNCATE_FILE(true), CUT_FRAGMENT(true), DELETE_RANGE(true), DUPLICATE_RANGE(true),
        DUPLICATE_SEGMENT(true), SEGMENT_LENGTH(true),
        /** A range deleted or duplicated inside entropy-coded data: Huffman and Golomb codes may resynchronise over it. */
        ENTROPY_LENGTH(false);

        /** Whether a strict decoder must see this change (it alters lengths or structure). */
        final boolean structural;

        Kind(boolean structural) {
            this.structural = structural;
        }
    }

    record Outcome(String file, String syntax, Kind kind, String verdict, String detail) {}

    @Test
    void mutantsAreRefusedOrDecodedExactlyAndNeverCrashHangOrExhaustMemory() throws Exception {
        Random random = new Random(SEED);
        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mutant");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Path fixture : Fixtures.valid()) {
                byte[] original = Files.readAllBytes(fixture);
                ParsedDicomFile parsed = (ParsedDicomFile) DicomReader.read(original, NAME);
                String syntax = TransferSyntax.of(parsed.transferSyntaxUid()).orElseThrow().name();
                String before = digest(parsed);
                for (int i = 0; i < MUTANTS_PER_FILE; i++) {
                    Mutant m = mutate(original, parsed, random);
                    Future<String[]> f = worker.submit(() -> classify(m.bytes(), before));
                    String[] verdict;
                    try {
                        verdict = f.get(30, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        f.cancel(true);
                        verdict = new String[] {"HANG", m.describe()};
                    }
                    outcomes.add(new Outcome(fixture.getFileName().toString(), syntax, m.kind(), verdict[0], verdict[1] + " [" + m.describe() + "]"));
                }
            }
        } finally {
            worker.shutdownNow();
        }
        report(outcomes);

        assertThat(outcomes.size()).as("mutants per run").isGreaterThanOrEqualTo(2000);
        assertThat(outcomes).filteredOn(o -> o.verdict().equals("CRASH") || o.verdict().equals("HANG") || o.verdict().equals("OOM"))
                .as("mutants that crashed, hung or exhausted memory").isEmpty();
        assertThat(outcomes).filteredOn(o -> o.verdict().equals("refused") && !o.detail().startsWith(NAME.toString()))
                .as("refusals that do not name the file").isEmpty();
        assertThat(outcomes).filteredOn(o -> o.kind().structural && o.verdict().equals("changed") && isCompressed(o.syntax()))
                .as("compressed mutants whose marker structure or length changed, decoded to other pixels without an error").isEmpty();
    }

    private static boolean isCompressed(String syntax) {
        return TransferSyntax.valueOf(syntax).encapsulated();
    }

    /** {verdict, detail}: refused / exact / changed, or CRASH / OOM. */
    private static String[] classify(byte[] bytes, String before) {
        try {
            DicomFile f = DicomReader.read(bytes, NAME);
            String after = digest(f);
            if (after.equals(before)) return new String[] {"exact", ""};
            return new String[] {"changed", f.warnings().isEmpty() ? "no warning" : "warning: " + f.warnings().get(0)};
        } catch (DicomException e) {
            return new String[] {"refused", e.getMessage()};
        } catch (OutOfMemoryError e) {
            return new String[] {"OOM", String.valueOf(e)};
        } catch (RuntimeException | StackOverflowError e) {
            return new String[] {"CRASH", e.toString()};
        }
    }

    /** The HU of every grey frame (or the header's frame count for others): what "decodes the same" means. */
    private static String digest(DicomFile f) throws DicomException {
        if (f.numberOfFrames() == 0) return "no pixels";
        if (f.imageDescriptor().samplesPerPixel() != 1) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < f.numberOfFrames(); i++) s.append(Arrays.hashCode(f.storedFrame(i)));
            return s.toString();
        }
        return HuStatistics.of(f).sha256() + " " + f.numberOfFrames();
    }

    record Mutant(byte[] bytes, Kind kind, String where) {
        String describe() {
            return kind + " " + where;
        }
    }

    private static Mutant mutate(byte[] b, ParsedDicomFile parsed, Random r) {
        DicomElement pixelData = parsed.dataset().get(Tag.PIXEL_DATA);
        Fragments fragments = pixelData == null ? null : pixelData.fragments();
        int choice = r.nextInt(10);
        if (fragments != null && fragments.count > 0 && choice >= 4) return mutateFragment(b, fragments, r);
        if (choice == 0) {
            int at = r.nextInt(Math.min(b.length, 2048));
            byte[] m = b.clone();
            m[at] ^= (byte) (1 + r.nextInt(255));
            return new Mutant(m, Kind.FLIP_HEADER, "byte " + at);
        }
        if (choice == 1) {
            int length = r.nextInt(b.length);
            return new Mutant(Arrays.copyOf(b, length), Kind.TRUNCATE_FILE, "to " + length + " of " + b.length + " bytes");
        }
        int from = pixelData == null ? 0 : (fragments != null ? fragments.offset[0] : pixelData.offset());
        int at = from + r.nextInt(b.length - from);
        byte[] m = b.clone();
        int flips = 1 + r.nextInt(3);
        for (int k = 0; k < flips; k++) m[Math.min(b.length - 1, at + k * r.nextInt(64))] ^= (byte) (1 + r.nextInt(255));
        return new Mutant(m, Kind.FLIP_PIXELS, flips + " byte(s) from " + at);
    }

    /** Damages one fragment's codestream and rewrites its item length, so only the codestream is wrong. */
    private static Mutant mutateFragment(byte[] b, Fragments f, Random r) {
        int i = r.nextInt(f.count);
        int start = f.offset[i], length = f.length[i];
        byte[] content = Arrays.copyOfRange(b, start, start + length);
        Kind kind = Kind.values()[Kind.CUT_FRAGMENT.ordinal() + r.nextInt(5)];
        byte[] damaged;
        String where;
        switch (kind) {
            case CUT_FRAGMENT -> {
                int keep = r.nextInt(Math.max(1, length - 2));
                damaged = Arrays.copyOf(content, keep);
                where = "fragment " + (i + 1) + " cut from " + length + " to " + keep + " bytes";
            }
            case DELETE_RANGE -> {
                int from = r.nextInt(length), n = 1 + r.nextInt(Math.min(64, length - from));
                damaged = concat(Arrays.copyOf(content, from), Arrays.copyOfRange(content, from + n, length));
                where = n + " bytes deleted at " + from + " of fragment " + (i + 1);
                if (insideEntropyCodedData(content, from, n, i)) kind = Kind.ENTROPY_LENGTH;
            }
            case DUPLICATE_RANGE -> {
                int from = r.nextInt(length), n = 1 + r.nextInt(Math.min(64, length - from));
                damaged = concat(Arrays.copyOf(content, from + n), Arrays.copyOfRange(content, from, length));
                where = n + " bytes duplicated at " + from + " of fragment " + (i + 1);
                if (insideEntropyCodedData(content, from, n, i)) kind = Kind.ENTROPY_LENGTH;
            }
            default -> {
                List<int[]> segments = markerSegments(content);
                if (segments.isEmpty()) {
                    damaged = Arrays.copyOf(content, Math.max(0, length - 1 - r.nextInt(Math.max(1, length / 2))));
                    where = "fragment " + (i + 1) + " without marker segments cut";
                    kind = Kind.CUT_FRAGMENT;
                } else {
                    int[] s = segments.get(r.nextInt(segments.size()));
                    if (kind == Kind.DUPLICATE_SEGMENT) {
                        damaged = concat(Arrays.copyOf(content, s[0] + s[1]), Arrays.copyOfRange(content, s[0], length));
                        where = String.format("segment 0x%02X%02X at %d of fragment %d duplicated", content[s[0]], content[s[0] + 1], s[0], i + 1);
                    } else {
                        damaged = content.clone();
                        int[] values = {0, 2, 0xFFF0, 0xFFFF, s[1] - 2 + 1, s[1] - 2 - 1};
                        int v = values[r.nextInt(values.length)];
                        damaged[s[0] + 2] = (byte) (v >> 8);
                        damaged[s[0] + 3] = (byte) v;
                        where = String.format("segment 0x%02X%02X at %d of fragment %d: length %d -> %d", content[s[0]], content[s[0] + 1], s[0],
                                i + 1, s[1] - 2, v);
                    }
                }
            }
        }
        if (damaged.length % 2 == 1) damaged = Arrays.copyOf(damaged, damaged.length + 1); // fragments are even (a zero pad)
        byte[] out = new byte[b.length - length + damaged.length];
        System.arraycopy(b, 0, out, 0, start);
        System.arraycopy(damaged, 0, out, start, damaged.length);
        System.arraycopy(b, start + length, out, start + damaged.length, b.length - start - length);
        int n = damaged.length;
        out[start - 4] = (byte) n;
        out[start - 3] = (byte) (n >> 8);
        out[start - 2] = (byte) (n >> 16);
        out[start - 1] = (byte) (n >> 24);
        return new Mutant(out, kind, where);
    }

    /**
     * Whether [from, from + n) lies inside the entropy-coded data of a fragment: after the first
     * scan header (JPEG, JPEG-LS) or tile-part data start (JPEG 2000), before the last two bytes
     * (the end marker); a continuation fragment or an RLE segment body is all data.
     */
    private static boolean insideEntropyCodedData(byte[] c, int from, int n, int fragment) {
        boolean codestream = c.length >= 2 && (c[0] & 0xFF) == 0xFF && ((c[1] & 0xFF) == 0xD8 || (c[1] & 0xFF) == 0x4F);
        int dataStart;
        if (codestream) {
            List<int[]> segments = markerSegments(c);
            if (segments.isEmpty()) return false;
            int[] last = segments.get(segments.size() - 1);
            dataStart = last[0] + last[1];
            if ((c[last[0] + 1] & 0xFF) == 0x90) { // SOT: the tile-part header runs to SOD
                int sod = dataStart;
                while (sod + 1 < c.length && !((c[sod] & 0xFF) == 0xFF && (c[sod + 1] & 0xFF) == 0x93)) sod++;
                dataStart = sod + 2;
            }
        } else {
            dataStart = fragment == 0 ? 64 : 0; // RLE header, or a continuation of the previous fragment
        }
        return from >= dataStart && from + n <= c.length - 2;
    }

    /**
     * Marker segments with a length field at the start of a JPEG, JPEG-LS or JPEG 2000 codestream,
     * as {start, total length}, up to the first scan or tile-part.
     */
    private static List<int[]> markerSegments(byte[] c) {
        List<int[]> out = new ArrayList<>();
        int p = 2;
        while (p + 4 <= c.length && (c[p] & 0xFF) == 0xFF) {
            int marker = c[p + 1] & 0xFF;
            int len = (c[p + 2] & 0xFF) << 8 | (c[p + 3] & 0xFF);
            if (len < 2 || p + 2 + len > c.length) break;
            out.add(new int[] {p, len + 2});
            if (marker == 0xDA || marker == 0x90) break; // SOS / SOT: entropy-coded data or tile-parts follow
            p += 2 + len;
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void report(List<Outcome> outcomes) {
        Map<String, int[]> perSyntax = new TreeMap<>();
        for (Outcome o : outcomes) {
            int[] c = perSyntax.computeIfAbsent(o.syntax(), k -> new int[5]);
            c[0]++;
            switch (o.verdict()) {
                case "refused" -> c[1]++;
                case "exact" -> c[2]++;
                case "changed" -> c[o.detail().startsWith("warning") ? 4 : 3]++;
                default -> { }
            }
        }
        System.out.printf("[mutation] %d mutants (seed %d)%n", outcomes.size(), SEED);
        perSyntax.forEach((syntax, c) -> System.out.printf(
                "[mutation] %-36s %4d mutants: %5.1f%% refused, %4d decoded exactly as before, %4d changed with a warning, %4d changed silently%n",
                syntax, c[0], 100.0 * c[1] / c[0], c[2], c[4], c[3]));
        for (Outcome o : outcomes) {
            if (o.verdict().equals("changed") && isCompressed(o.syntax())) {
                System.out.printf("[mutation] changed: %s (%s) %s%n", o.file(), o.syntax(), o.detail());
            }
        }
    }
}
