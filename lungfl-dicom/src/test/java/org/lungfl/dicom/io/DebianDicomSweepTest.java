package org.lungfl.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.dicom.Fixtures;
import org.lungfl.dicom.inspect.DicomInspection;

/**
 * Issue 12: every DICOM file that Debian's packages ship on this machine (pydicom's and nibabel's
 * test files, GDCM's and dicom3tools' examples, octave-dicom's images; the packages not installed
 * are unpacked by .ci/run into {@code $LUNGFL_DEBIAN_DICOM}) is read by LungFL and by pydicom with
 * GDCM (src/test/python/sweep_reference.py). Each file either gives the same HU (bit for bit for
 * lossless syntaxes, within 1 HU in mean for lossy ones; no HU for files without grey pixels) or is
 * refused with a reason listed in the table "DICOM files LungFL refuses" of docs/preprocessing.md.
 * No file may crash or hang the reader.
 */
class DebianDicomSweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Path> INSTALLED = List.of(
            Path.of("/usr/lib/python3/dist-packages/pydicom/data"),
            Path.of("/usr/lib/python3/dist-packages/nibabel"),
            Path.of("/usr/share/doc/libgdcm3.0/examples"),
            Path.of("/usr/share/doc/dicom3tools/examples"),
            Path.of("/usr/share/octave/packages"));
    private static final Path DOC = Path.of("..", "docs", "preprocessing.md");

    @TempDir Path tmp;

    /** A file of a package: where it is read from (gunzipped if need be) and the name the table uses. */
    record Sample(Path file, String name) {}

    static List<Path> roots() {
        List<Path> roots = new ArrayList<>(INSTALLED);
        String unpacked = System.getenv("LUNGFL_DEBIAN_DICOM");
        Path dir = unpacked != null ? Path.of(unpacked) : Path.of(System.getProperty("user.home"), ".cache", "lungfl", "debian-dicom");
        if (Files.isDirectory(dir)) roots.add(dir);
        return roots.stream().filter(Files::isDirectory).toList();
    }

    @Test
    void everyDebianDicomFileMatchesPydicomAndGdcmOrIsRefusedAsDocumented() throws Exception {
        assumeTrue(Fixtures.hasPydicom(), "/usr/bin/python3 with pydicom is not installed (python3-pydicom)");
        List<Sample> samples = samples();
        assumeTrue(!samples.isEmpty(), "no Debian package with sample DICOM files is installed");
        Map<String, String> table = refusalTable();

        Map<String, JsonNode> reference = reference(samples);
        Map<String, Integer> counts = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        List<String> undocumented = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofMinutes(5), () -> {
            for (Sample s : samples) {
                JsonNode ours = JSON.readTree(DicomInspection.of(s.file()).toJsonLine());
                JsonNode ref = reference.get(s.file().toString());
                String verdict = judge(s, ours, ref, table, problems, undocumented);
                counts.merge(verdict, 1, Integer::sum);
            }
        }, "a file hung the reader");
        System.out.println("[debian sweep] " + samples.size() + " DICOM files from " + roots() + ": " + counts);
        undocumented.forEach(u -> System.out.println("[debian sweep] refused, not in the table: " + u));
        assertThat(problems).as("files whose HU differ from pydicom + GDCM").isEmpty();
        assertThat(undocumented).as("files refused for a reason the table in docs/preprocessing.md does not list").isEmpty();
    }

    private static String judge(Sample s, JsonNode ours, JsonNode ref, Map<String, String> table, List<String> problems,
            List<String> undocumented) {
        if (ours.has("error")) {
            String reason = documentedReason(s.name(), table);
            if (reason == null || !ours.get("error").asText().contains(reason)) {
                undocumented.add(s.name() + ": " + ours.get("error").asText());
            }
            return "refused (documented)";
        }
        if (ref == null || ref.has("error")) return "read by LungFL, refused by pydicom + GDCM";
        boolean oursHu = !ours.get("hu_sha256").isNull();
        if (ref.has("pixels") || ref.has("colour")) {
            if (oursHu) problems.add(s.name() + ": LungFL has HU, pydicom finds " + (ref.has("colour") ? "colour" : "no") + " pixels");
            return ref.has("colour") ? "colour: read, no HU" : "no pixels: read";
        }
        if (!oursHu) {
            problems.add(s.name() + ": pydicom + GDCM have HU, LungFL none");
            return "mismatch";
        }
        if (ref.get("lossy").asBoolean()) {
            double diff = Math.abs(ours.get("hu_mean").asDouble() - ref.get("hu_mean").asDouble());
            if (diff > 1.0) problems.add(s.name() + ": lossy mean HU differs by " + diff + " from " + ref.get("decoder").asText());
            return "lossy: mean within 1 HU";
        }
        if (!ours.get("hu_sha256").asText().equals(ref.get("hu_sha256").asText())) {
            problems.add(s.name() + ": HU differ from " + ref.get("decoder").asText() + " (sum " + ours.get("hu_sum") + " vs " + ref.get("hu_sum") + ")");
        }
        return "lossless: bit for bit";
    }

    /** The reason of the first table row whose pattern matches the file, or null. */
    private static String documentedReason(String name, Map<String, String> table) {
        for (Map.Entry<String, String> row : table.entrySet()) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:**/" + row.getKey());
            if (m.matches(Path.of("/" + name))) return row.getValue();
        }
        return null;
    }

    /** {@code | `PATTERN` | `REASON` | why |} rows under the heading "DICOM files LungFL refuses". */
    static Map<String, String> refusalTable() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int start = doc.indexOf("## DICOM files LungFL refuses");
        assertThat(start).as("the refusal table in " + DOC).isNotNegative();
        int end = doc.indexOf("\n## ", start + 3);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\| `([^`]+)` \\|").matcher(section);
        while (m.find()) rows.put(m.group(1), m.group(2));
        assertThat(rows).as("rows of the refusal table").isNotEmpty();
        return rows;
    }

    /** Every regular file that is DICOM (a .dcm name, a DICOMDIR, or DICM at byte 128), .gz ones unpacked. */
    private List<Sample> samples() throws IOException {
        List<Sample> out = new ArrayList<>();
        for (Path root : roots()) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                String name = f.getFileName().toString();
                boolean gz = name.endsWith(".gz");
                String plain = gz ? name.substring(0, name.length() - 3) : name;
                byte[] head;
                try (InputStream in = gz ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
                    head = in.readNBytes(132);
                } catch (IOException notGzip) {
                    continue;
                }
                boolean dicm = head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
                if (!(plain.toLowerCase().endsWith(".dcm") || plain.startsWith("DICOMDIR") || dicm)) continue;
                Path readable = f;
                if (gz) {
                    readable = Files.createDirectories(tmp.resolve("gunzipped").resolve(Integer.toString(out.size()))).resolve(plain);
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                        Files.copy(in, readable);
                    }
                }
                out.add(new Sample(readable, f.toString()));
            }
        }
        return out;
    }

    private static Map<String, JsonNode> reference(List<Sample> samples) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", Path.of("src/test/python/sweep_reference.py").toAbsolutePath().toString()));
        for (Sample s : samples) cmd.add(s.file().toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("sweep_reference.py finished").isTrue();
        Map<String, JsonNode> byPath = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            byPath.put(n.get("path").asText(), n);
        }
        return byPath;
    }
}
