package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lungfl dicom inspect` run in-process on real fixture files in a temporary folder tree. */
class DicomInspectCommandTest {
    private static final Path FIXTURES = Path.of("../lungfl-dicom/src/test/resources/fixtures");



    private static Path resolve(String name) {
        return name.startsWith("bad_") ? FIXTURES.resolveSibling("malformed").resolve(name) : FIXTURES.resolve(name);
    }

    private static Path tree(Path dir, String... names) throws Exception {
        for (int i = 0; i < names.length; i++) {
            // Nested folders and files without extension, as archives have them.
            Path target = dir.resolve("series" + (i % 2)).resolve("IM" + i);
            Files.createDirectories(target.getParent());
            Files.copy(resolve(names[i]), target);
        }
        return dir;
    }

    @Test
    void jsonLinesForAFolderOfGoodFiles(@TempDir Path dir) throws Exception {
        tree(dir, "ct_u12_4f.dcm", "ct_s16_implicit.dcm", "ct_u16_slope.dcm");
        CliRun r = CliRun.lungfl("dicom", "inspect", "--json", dir.toString());
        assertThat(r.exit()).isZero();
        List<JsonNode> lines = r.json();
        assertThat(lines).hasSize(3);
        JsonNode first = lines.get(0);
        assertThat(first.get("path").asText()).endsWith("series0/IM0");
        assertThat(first.get("TransferSyntaxUID").asText()).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(first.get("NumberOfFrames").asInt()).isEqualTo(4);
        assertThat(first.get("Rows").asInt()).isEqualTo(64);
        assertThat(first.get("BitsStored").asInt()).isEqualTo(12);
        assertThat(first.get("RescaleIntercept").asDouble()).isEqualTo(-1024.0);
        assertThat(first.get("ImagePositionPatient").size()).isEqualTo(3);
        assertThat(first.get("hu_sha256").asText()).hasSize(64);
        for (String key : List.of("SOPClassUID", "Modality", "Columns", "BitsAllocated", "PixelRepresentation", "PhotometricInterpretation",
                "RescaleSlope", "SeriesInstanceUID", "InstanceNumber", "ImageOrientationPatient", "PixelSpacing", "SliceThickness",
                "hu_min", "hu_max", "hu_mean", "hu_sum"))
            assertThat(first.has(key)).as(key).isTrue();
        // Paths come sorted: series0/IM0, series0/IM2, series1/IM1 (the implicit VR file).
        assertThat(lines.get(2).get("path").asText()).endsWith("series1/IM1");
        assertThat(lines.get(2).get("TransferSyntaxUID").asText()).isEqualTo("1.2.840.10008.1.2");
        assertThat(r.out()).doesNotContain("Phantom").doesNotContain("SYNTH-0042");
    }

    @Test
    void unreadableFilesAreReportedAndExitIsOne(@TempDir Path dir) throws Exception {
        tree(dir, "ct_s16.dcm", "bad_huge_element_length.dcm");
        Path missing = dir.resolve("missing.dcm");
        CliRun r = CliRun.lungfl("dicom", "inspect", "--json", dir.toString(), missing.toString());
        assertThat(r.exit()).isEqualTo(1);
        List<JsonNode> lines = r.json();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).has("hu_sum")).isTrue();
        assertThat(lines.get(1).get("error").asText()).endsWith("IM1: element (0009,1001) claims 4294967280 bytes but only 8710 remain");
        assertThat(lines.get(2).get("error").asText()).isEqualTo(missing + ": no such file");
    }

    @Test
    void textOutputIsACompactBlockWithoutPatientData(@TempDir Path dir) throws Exception {
        Path file = Files.copy(FIXTURES.resolve("ct_s16_mono1_padding.dcm"), dir.resolve("slice.dcm"));
        Path bad = Files.copy(resolve("bad_empty.dcm"), dir.resolve("empty.dcm"));
        CliRun r = CliRun.lungfl("dicom", "inspect", file.toString(), bad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith(file + "\n").contains("64x64  frames 1  bits 16/16 signed  MONOCHROME1")
                .contains("HU sha256 ").doesNotContain("Phantom").doesNotContain("SYNTH-0042");
        assertThat(r.out().lines().count()).isLessThanOrEqualTo(10);
        assertThat(r.err()).isEqualTo(bad + ": empty file\n");
    }

    /** The README's main-job command: every committed fixture reads. */
    @Test
    void everyFixtureInTheFolderReads() {
        CliRun r = CliRun.lungfl("dicom", "inspect", FIXTURES.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
    }

    @Test
    void anEmptyFolderIsAFailureNotASilentSuccess(@TempDir Path dir) {
        CliRun r = CliRun.lungfl("dicom", "inspect", "--json", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("lungfl: no files under " + dir + "\n");
    }

    @Test
    void noPathIsAUsageError() {
        assertThat(CliRun.lungfl("dicom", "inspect").exit()).isEqualTo(2);
    }
}
