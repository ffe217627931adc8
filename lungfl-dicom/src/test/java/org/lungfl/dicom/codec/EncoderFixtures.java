package org.lungfl.dicom.codec;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Codestreams made at test time by DCMTK and GDCM through src/test/python/codec_fixtures.py, once
 * per test JVM. Tests that use them are skipped, with the reason, where the tools are missing.
 */
final class EncoderFixtures {
    static final String PYTHON = "/usr/bin/python3";
    private static Result result;

    /** One compressed frame with the samples it must decode to. */
    record Case(String name, String codec, ImageDescriptor descriptor, int near, Path frame, Path expected,
            Path reference, boolean rejectedByOthers) {
        byte[] frameBytes() throws IOException {
            return Files.readAllBytes(frame);
        }

        int[] expectedSamples() throws IOException {
            return readInts(expected);
        }

        int[] referenceSamples() throws IOException {
            return readInts(reference);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    record Result(List<Case> cases, List<String> missingTools, String unavailable) {}

    private EncoderFixtures() {}

    /**
     * One dynamic test per freshly encoded case of a codec ("rle" or "jpegls"), plus one skipped
     * test per missing tool so the gap shows in the report; skips everything when Python is unusable.
     */
    static Stream<DynamicTest> tests(String codec, ThrowingConsumer<Case> check)
            throws IOException, InterruptedException {
        Result r = generate();
        assumeTrue(r.unavailable() == null, r.unavailable());
        Stream<DynamicTest> skipped = r.missingTools().stream().filter(tool -> makes(tool, codec)).map(tool -> DynamicTest.dynamicTest(
                "cases needing " + tool, () -> assumeTrue(false, tool + " is not installed")));
        Stream<DynamicTest> cases = r.cases().stream().filter(c -> c.codec().equals(codec))
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> check.accept(c)));
        return Stream.concat(skipped, cases);
    }

    /** Whether codec_fixtures.py uses {@code tool} for cases of {@code codec}. */
    private static boolean makes(String tool, String codec) {
        return tool.equals("gdcmconv") || tool.equals("dcmcrle") == codec.equals("rle");
    }

    private static synchronized Result generate() throws IOException, InterruptedException {
        if (result != null) {
            return result;
        }
        Path script = Paths.get("src/test/python/codec_fixtures.py").toAbsolutePath();
        if (!Files.isExecutable(Paths.get(PYTHON))) {
            return result = new Result(List.of(), List.of(), PYTHON + " is not installed");
        }
        Process probe = new ProcessBuilder(PYTHON, "-c", "import pydicom, numpy").redirectErrorStream(true).start();
        if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
            return result = new Result(List.of(), List.of(), "pydicom and numpy are not installed for " + PYTHON);
        }
        Path dir = Files.createTempDirectory("lungfl-codec-fixtures");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
        Process p = new ProcessBuilder(PYTHON, script.toString(), dir.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("codec_fixtures.py failed:\n" + log);
        }
        List<String> missing = new ArrayList<>();
        List<Case> cases = parse(dir, missing);
        return result = new Result(cases, missing, null);
    }

    /**
     * The small cases committed under src/test/resources (made by the same script), so the
     * decoders are tested where the tools are absent too.
     */
    static List<Case> committed(String codec) throws IOException {
        try {
            Path dir = Paths.get(EncoderFixtures.class.getResource("rle-jpegls/manifest.tsv").toURI()).getParent();
            return parse(dir, new ArrayList<>()).stream().filter(c -> c.codec().equals(codec)).toList();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static List<Case> parse(Path dir, List<String> missing) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("manifest.tsv"))) {
            String[] f = line.split("\t");
            if (f[0].equals("missing")) {
                missing.add(f[1]);
            } else if (f[0].equals("case")) {
                int rows = Integer.parseInt(f[3]);
                int columns = Integer.parseInt(f[4]);
                int spp = Integer.parseInt(f[5]);
                int bitsStored = Integer.parseInt(f[7]);
                ImageDescriptor d = new ImageDescriptor(rows, columns, spp, Integer.parseInt(f[6]), bitsStored,
                        bitsStored - 1, Integer.parseInt(f[8]), spp == 3 ? "RGB" : "MONOCHROME2", 0);
                cases.add(new Case(f[1], f[2], d, Integer.parseInt(f[9]), dir.resolve(f[10]), dir.resolve(f[11]),
                        f[12].equals("-") || f[12].equals("rejected") ? null : dir.resolve(f[12]),
                        f[12].equals("rejected")));
            }
        }
        return cases;
    }

    static int[] readInts(Path path) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return v;
    }

    /** The decoder's values reduced to BitsStored, as the pixel pipeline will do. */
    static int[] masked(int[] values, int bitsStored) {
        int mask = bitsStored >= 32 ? -1 : (1 << bitsStored) - 1;
        int[] m = new int[values.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = values[i] & mask;
        }
        return m;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
