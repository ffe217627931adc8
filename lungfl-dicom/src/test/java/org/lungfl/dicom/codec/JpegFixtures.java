package org.lungfl.dicom.codec;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Codestreams made by independent encoders (DCMTK, GDCM, libjpeg-turbo) with the samples they
 * must decode to: generated once per test run by src/test/python/jpeg_fixtures.py, or read from
 * the few committed under src/test/resources/org/lungfl/dicom/codec/jpeg.
 */
final class JpegFixtures {
    static final String BASELINE = "1.2.840.10008.1.2.4.50";
    static final String EXTENDED = "1.2.840.10008.1.2.4.51";
    static final String LOSSLESS = "1.2.840.10008.1.2.4.57";
    static final String LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static final String J2K = "1.2.840.10008.1.2.4.91";

    private static final Path SCRIPT = Path.of("src/test/python/jpeg_fixtures.py");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String[] COMMITTED = {
        "dcmtk_extended_u12_40x24", "dcmtk_lossless_p6_s12_29x19", "gdcm_j2k_lossy_u12_40x24", "cjpeg_restart_rgb_26x18",
        "dcmtk_lossless_p1_s16_fill_16x16", "dcmtk_lossless_p7_s16_fill_16x16", "opj_j2k_p10_bs12_24x20"};

    /** One codestream: what DICOM would say about it, the original samples and the reference decode. */
    record Case(String name, byte[] codestream, ImageDescriptor descriptor, String syntax, boolean lossless,
                double slope, double intercept, double origSlope, double origIntercept, int[] orig, int[] ref) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Case> generated;
    private static String skipReason;

    private JpegFixtures() {
    }

    /**
     * Every generated case of the given syntaxes. When the tools are missing: one placeholder
     * case without a codestream, which {@link #assumeAvailable} turns into a visible skip.
     */
    static Stream<Case> generated(String... syntaxes) {
        List<Case> all = generateOnce();
        if (skipReason != null) {
            return Stream.of(new Case("skipped: " + skipReason, null, null, null, true, 1, 0, 1, 0, null, null));
        }
        List<String> wanted = List.of(syntaxes);
        return all.stream().filter(c -> wanted.contains(c.syntax()));
    }

    static void assumeAvailable(Case c) {
        assumeTrue(c.codestream() != null, c::name);
    }

    static Stream<Case> committed(String... syntaxes) throws IOException {
        List<String> wanted = List.of(syntaxes);
        List<Case> cases = new ArrayList<>();
        for (String name : COMMITTED) {
            Case c = load(name, n -> JpegFixtures.class.getResourceAsStream("jpeg/" + n));
            if (wanted.contains(c.syntax())) cases.add(c);
        }
        return cases.stream();
    }

    private static synchronized List<Case> generateOnce() {
        if (generated != null) return generated;
        generated = List.of();
        try {
            if (!Files.isExecutable(PYTHON)) {
                skipReason = "/usr/bin/python3 is not installed";
                return generated;
            }
            Path out = Files.createTempDirectory("lungfl-jpeg-fixtures");
            Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                skipReason = log.contains("No module named") ? "pydicom/numpy missing: " + log.strip() : null;
                if (skipReason == null) throw new IllegalStateException("jpeg_fixtures.py failed: " + log);
                return generated;
            }
            List<Case> cases = new ArrayList<>();
            for (String line : Files.readAllLines(out.resolve("skipped.txt"))) {
                String[] f = line.split("\t");
                if (f.length == 3) cases.add(new Case("skipped: " + f[0] + ": " + f[2], null, null, f[1], true, 1, 0, 1, 0, null, null));
            }
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".bin")).sorted().toList()) {
                    String name = f.getFileName().toString().replace(".bin", "");
                    cases.add(load(name, n -> Files.exists(out.resolve(n)) ? Files.newInputStream(out.resolve(n)) : null));
                }
            }
            generated = cases;
            return generated;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Opener {
        InputStream open(String name) throws IOException;
    }

    private static Case load(String name, Opener files) throws IOException {
        Properties p = new Properties();
        try (InputStream in = files.open(name + ".properties"); Reader r = new java.io.InputStreamReader(in)) {
            p.load(r);
        }
        ImageDescriptor d = new ImageDescriptor(
                integer(p, "rows"), integer(p, "columns"), integer(p, "samplesPerPixel"), integer(p, "bitsAllocated"),
                integer(p, "bitsStored"), integer(p, "highBit"), integer(p, "pixelRepresentation"),
                p.getProperty("photometric"), integer(p, "planarConfiguration"));
        return new Case(name, bytes(files, name + ".bin"), d, p.getProperty("syntax"),
                Boolean.parseBoolean(p.getProperty("lossless")),
                number(p, "slope"), number(p, "intercept"), number(p, "origSlope"), number(p, "origIntercept"),
                ints(bytes(files, name + ".orig")), p.getProperty("lossless").equals("true") ? null : ints(bytes(files, name + ".ref")));
    }

    private static byte[] bytes(Opener files, String name) throws IOException {
        try (InputStream in = files.open(name)) {
            if (in == null) throw new IOException("missing fixture file " + name);
            return in.readAllBytes();
        }
    }

    private static int[] ints(byte[] raw) {
        int[] v = new int[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        return v;
    }

    private static int integer(Properties p, String key) {
        return Integer.parseInt(p.getProperty(key));
    }

    private static double number(Properties p, String key) {
        return Double.parseDouble(p.getProperty(key));
    }

    /** What the pixel pipeline does with a decoder's output: keep BitsStored bits, sign-extend if signed. */
    static int[] storedValues(int[] decoded, ImageDescriptor d) {
        int shift = 32 - d.bitsStored();
        int[] v = new int[decoded.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = d.signed() ? (decoded[i] << shift) >> shift : (int) ((decoded[i] & 0xFFFFFFFFL) & ((1L << d.bitsStored()) - 1));
        }
        return v;
    }

    static double mean(int[] v, double slope, double intercept) {
        double sum = 0;
        for (int x : v) sum += x * slope + intercept;
        return sum / v.length;
    }
}
