package org.lungfl.dicom.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.Fixtures;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.DicomObject;
import org.lungfl.dicom.io.DicomReader;

/**
 * Issue 12: the differential test. Random images (anatomy-like, noise, constant blocks, extremes,
 * CT padding; 1 to 40 rows and columns, so odd widths and single rows and columns; 8, 12 and 16
 * bits, signed and unsigned) are compressed by DCMTK (dcmcjpeg with every selection value 1–7 and
 * a point transform, dcmcjpls lossless and near-lossless, dcmcrle) and GDCM (gdcmconv --jpeg,
 * --jpegls lossless and near-lossless, --j2k reversible and irreversible, --rle), then decoded by
 * LungFL: lossless streams must give the original samples exactly; lossy ones the reference
 * decoder's (DCMTK's or GDCM's, clamped to BitsStored) within 1 in mean, JPEG-LS exactly.
 *
 * <p>jqwik draws the images with a fixed seed. A failing image is shrunk, and every failing try
 * writes its files to {@code target/differential-failure/} (the last one written is the shrunk
 * case): the native file, each compressed file that failed and {@code case.txt} with the commands
 * to reproduce it. An encoder that refuses an image (GDCM on tiny J2K images, DCMTK on signed
 * near-lossless) is counted, not failed. Tools that are not installed are skipped (see
 * {@link DifferentialToolsTest}, which says which).
 */
class DifferentialTest {
    private static final Path FAILURES = Path.of("target", "differential-failure");
    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();
    private static final ExecutorService TOOLS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "differential-tools");
        t.setDaemon(true);
        return t;
    });

    /** One way a tool compresses the native file, and how LungFL's decode of it is judged. */
    record Encoding(String name, String tool, List<String> options, Set<String> syntaxes, boolean lossless, List<String> reference,
            boolean exactAgainstReference) {
        List<String> command(Path in, Path out) {
            List<String> c = new ArrayList<>();
            c.add(tool);
            c.addAll(options);
            if (tool.equals("gdcmconv")) c.addAll(List.of("-i", in.toString(), "-o", out.toString()));
            else c.addAll(List.of(in.toString(), out.toString()));
            return c;
        }
    }

    static final String SV1 = "1.2.840.10008.1.2.4.70", LOSSLESS = "1.2.840.10008.1.2.4.57", BASELINE = "1.2.840.10008.1.2.4.50",
            EXTENDED = "1.2.840.10008.1.2.4.51", JLS = "1.2.840.10008.1.2.4.80", JLS_NEAR = "1.2.840.10008.1.2.4.81",
            J2K = "1.2.840.10008.1.2.4.90", J2K_LOSSY = "1.2.840.10008.1.2.4.91", RLE = "1.2.840.10008.1.2.5";

    static List<Encoding> encodings(TestImage image) {
        List<Encoding> e = new ArrayList<>();
        List<String> dcmdjpeg = List.of("dcmdjpeg"), dcmdjpls = List.of("dcmdjpls"), gdcmRaw = List.of("gdcmconv", "--raw");
        for (int sv = 1; sv <= 7; sv++) {
            e.add(new Encoding("dcmcjpeg-sv" + sv, "dcmcjpeg", List.of("+el", "+sv", "" + sv), Set.of(LOSSLESS, SV1), true, null, false));
        }
        int pt = 1 + (int) Math.floorMod(image.seed(), Math.min(4, image.bits() - 2));
        int psv = 1 + (int) Math.floorMod(image.seed() >> 8, 7);
        e.add(new Encoding("dcmcjpeg-sv" + psv + "-pt" + pt, "dcmcjpeg", List.of("+el", "+sv", "" + psv, "+pt", "" + pt), Set.of(LOSSLESS),
                false, dcmdjpeg, true));
        e.add(new Encoding("dcmcjpeg-e1", "dcmcjpeg", List.of("+e1"), Set.of(SV1), true, null, false));
        if (image.bits() == 8 && !image.signed()) {
            e.add(new Encoding("dcmcjpeg-eb", "dcmcjpeg", List.of("+eb"), Set.of(BASELINE), false, dcmdjpeg, false));
        }
        if (image.bits() <= 12) e.add(new Encoding("dcmcjpeg-ee", "dcmcjpeg", List.of("+ee"), Set.of(EXTENDED), false, dcmdjpeg, false));
        e.add(new Encoding("dcmcjpls", "dcmcjpls", List.of("+el"), Set.of(JLS), true, null, false));
        int near = 1 + (int) Math.floorMod(image.seed() >> 16, 3);
        if (!image.signed()) {
            e.add(new Encoding("dcmcjpls-near" + near, "dcmcjpls", List.of("+en", "+md", "" + near), Set.of(JLS_NEAR), false, gdcmRaw, true));
        }
        e.add(new Encoding("dcmcrle", "dcmcrle", List.of(), Set.of(RLE), true, null, false));
        e.add(new Encoding("gdcm-jpeg", "gdcmconv", List.of("--jpeg"), Set.of(SV1, LOSSLESS), true, null, false));
        e.add(new Encoding("gdcm-jpegls", "gdcmconv", List.of("--jpegls"), Set.of(JLS), true, null, false));
        e.add(new Encoding("gdcm-jpegls-near" + near, "gdcmconv", List.of("--jpegls", "--lossy", "-e", "" + near), Set.of(JLS_NEAR), false,
                dcmdjpls, true));
        e.add(new Encoding("gdcm-j2k", "gdcmconv", List.of("--j2k"), Set.of(J2K), true, null, false));
        e.add(new Encoding("gdcm-j2k-lossy", "gdcmconv", List.of("--j2k", "--lossy", "--irreversible", "-q", "70"), Set.of(J2K_LOSSY), false,
                gdcmRaw, false));
        if (!(image.bits() == 8 && image.rows() * image.columns() % 2 == 1)) { // GDCM 3.0.21 asserts on these
            e.add(new Encoding("gdcm-rle", "gdcmconv", List.of("--rle"), Set.of(RLE), true, null, false));
        }
        return e.stream().filter(x -> Fixtures.hasTool(x.tool()) && (x.reference() == null || Fixtures.hasTool(x.reference().get(0)))).toList();
    }

    @Provide
    Arbitrary<TestImage> images() {
        return Combinators.combine(
                Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(1, 40),
                Arbitraries.of(8, 12, 16),
                Arbitraries.of(false, true),
                Arbitraries.of(TestImage.Pattern.class),
                Arbitraries.longs().between(0, 1_000_000))
                .as(TestImage::new);
    }

    @Property(tries = 60, seed = "20261205")
    void lungflDecodesWhatDcmtkAndGdcmEncode(@ForAll("images") TestImage image) throws Exception {
        List<Encoding> encodings = encodings(image);
        if (encodings.isEmpty()) return; // no tool installed: DifferentialToolsTest reports the skip
        Path dir = Files.createTempDirectory("lungfl-differential");
        try {
            Path nativeFile = dir.resolve("native.dcm");
            image.writeDicom(nativeFile);
            int[] original = image.values();
            List<Future<String>> results = new ArrayList<>();
            for (Encoding e : encodings) results.add(TOOLS.submit(() -> check(image, original, nativeFile, dir, e)));
            List<String> failures = new ArrayList<>();
            for (Future<String> f : results) {
                String failure = f.get(10, TimeUnit.MINUTES);
                if (failure != null) failures.add(failure);
            }
            count("images drawn");
            if (!failures.isEmpty()) {
                writeReproduction(image, nativeFile, dir, failures);
                throw new AssertionError(image + ":\n  " + String.join("\n  ", failures)
                        + "\n(files to reproduce it: " + FAILURES.toAbsolutePath() + ")");
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Null when LungFL's decode is right (or the encoder declined), else what is wrong. */
    private static String check(TestImage image, int[] original, Path nativeFile, Path dir, Encoding e) throws Exception {
        Path compressed = dir.resolve(e.name() + ".dcm");
        if (run(e.command(nativeFile, compressed)) != 0 || !Files.isRegularFile(compressed)) {
            count("declined by the encoder");
            return null;
        }
        DicomFile file;
        try {
            file = DicomReader.read(compressed);
        } catch (DicomException ex) {
            return e.name() + ": LungFL cannot read the file: " + ex.getMessage();
        }
        if (!e.syntaxes().contains(file.transferSyntaxUid())) {
            count("written in another syntax by the encoder");
            return null;
        }
        int[] ours;
        try {
            ours = file.storedFrame(0);
        } catch (DicomException ex) {
            return e.name() + ": LungFL refused it: " + ex.getMessage();
        }
        if (e.lossless()) {
            int at = firstDifference(ours, original);
            if (at >= 0) return e.name() + ": sample " + at + " is " + ours[at] + ", the original " + original[at] + " (lossless)";
            count("lossless, exact");
            return null;
        }
        Path decoded = dir.resolve(e.name() + ".reference.dcm");
        List<String> command = new ArrayList<>(e.reference());
        if (command.get(0).equals("gdcmconv")) command.addAll(List.of("-i", compressed.toString(), "-o", decoded.toString()));
        else command.addAll(List.of(compressed.toString(), decoded.toString()));
        if (run(command) != 0) {
            count("lossy, declined by the reference decoder");
            return null;
        }
        // DCMTK's lossy JPEG stores signed data unsigned with a rescale intercept: compare HU
        double[] oursHu = hu(ours, file.rescaleSlope(), file.rescaleIntercept());
        double[] reference = referenceHu(decoded, file.imageDescriptor());
        if (e.exactAgainstReference()) {
            int at = firstDifference(oursHu, reference);
            if (at >= 0) return e.name() + ": sample " + at + " is " + oursHu[at] + " HU, " + command.get(0) + " gives " + reference[at];
        }
        double diff = Math.abs(mean(oursHu) - mean(reference));
        if (diff > 1.0) return e.name() + ": mean differs from " + command.get(0) + "'s by " + diff;
        count("lossy, agrees with the reference decoder");
        return null;
    }

    /**
     * The reference decoder's HU, its samples read raw (DCMTK and GDCM write sign-extended 16-bit
     * values, GDCM rewriting BitsStored) and clamped to the compressed file's BitsStored range, as
     * LungFL clamps a lossy overshoot.
     */
    private static double[] referenceHu(Path file, org.lungfl.dicom.codec.ImageDescriptor d) throws IOException, DicomException {
        DicomObject ds = DicomReader.readDataset(Files.readAllBytes(file), file);
        byte[] raw = ds.bytes(0x7FE00010);
        int n = d.rows() * d.columns();
        int allocated = ds.uint16(0x00280100);
        Integer pr = ds.uint16(0x00280103);
        boolean signed = pr != null && pr == 1;
        int min = d.signed() ? -(1 << (d.bitsStored() - 1)) : 0;
        int max = d.signed() ? (1 << (d.bitsStored() - 1)) - 1 : (1 << d.bitsStored()) - 1;
        double[] slope = ds.decimals(0x00281053), intercept = ds.decimals(0x00281052);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int x = allocated == 8 ? (signed ? b.get(i) : b.get(i) & 0xFF) : (signed ? b.getShort(2 * i) : b.getShort(2 * i) & 0xFFFF);
            v[i] = Math.max(min, Math.min(max, x)) * (slope == null ? 1 : slope[0]) + (intercept == null ? 0 : intercept[0]);
        }
        return v;
    }

    private static double[] hu(int[] stored, double slope, double intercept) {
        double[] v = new double[stored.length];
        for (int i = 0; i < v.length; i++) v[i] = stored[i] * slope + intercept;
        return v;
    }

    private static int firstDifference(double[] a, double[] b) {
        if (a.length != b.length) return 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) return i;
        return -1;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return p.exitValue();
    }

    private static int firstDifference(int[] a, int[] b) {
        if (a.length != b.length) return 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) return i;
        return -1;
    }

    private static void count(String what) {
        COUNTS.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    /** The last failing try is the shrunk one: its files replace those of the earlier tries. */
    private static void writeReproduction(TestImage image, Path nativeFile, Path dir, List<String> failures) throws IOException {
        if (Files.isDirectory(FAILURES)) {
            try (Stream<Path> s = Files.walk(FAILURES)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(FAILURES);
        Files.copy(nativeFile, FAILURES.resolve("native.dcm"), StandardCopyOption.REPLACE_EXISTING);
        StringBuilder text = new StringBuilder("image: " + image + "\n");
        for (String f : failures) {
            String name = f.substring(0, f.indexOf(':'));
            Path compressed = dir.resolve(name + ".dcm");
            if (Files.exists(compressed)) Files.copy(compressed, FAILURES.resolve(name + ".dcm"), StandardCopyOption.REPLACE_EXISTING);
            Encoding e = encodings(image).stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            text.append("\n").append(f).append("\n  made by: ").append(String.join(" ", e.command(Path.of("native.dcm"), Path.of(name + ".dcm"))))
                    .append("\n  check:   ./lungfl dicom inspect --json ").append(name).append(".dcm\n");
        }
        Files.writeString(FAILURES.resolve("case.txt"), text, StandardCharsets.UTF_8);
    }

    @AfterContainer
    static void report() {
        Map<String, Integer> counts = new TreeMap<>();
        COUNTS.forEach((k, v) -> counts.put(k, v.get()));
        int compared = counts.getOrDefault("lossless, exact", 0) + counts.getOrDefault("lossy, agrees with the reference decoder", 0);
        System.out.println("[differential] " + counts.getOrDefault("images drawn", 0) + " images, " + compared
                + " compressed images decoded by LungFL and compared: " + counts);
    }
}
