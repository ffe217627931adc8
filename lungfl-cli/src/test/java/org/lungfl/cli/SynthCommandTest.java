package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lungfl synth` and `lungfl synth baseline` in-process: the files, the progress, the errors. */
class SynthCommandTest {
    @Test
    void smallDatasetThenImportThenBaseline(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("synth");
        CliRun r = CliRun.lungfl("synth", "--small", "--sites", "2", "--patients-per-site", "3",
                "--test-patients", "4", "--positive-rate", "0.5", "--seed", "3", "--threads", "2", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("synth: 10 patients").contains(out.toString());
        assertThat(r.err()).contains("synth: 10/10"); // progress lines on a non-terminal stderr
        assertThat(Files.readAllLines(out.resolve("test/labels.csv"))).hasSize(5).first().isEqualTo("id,cancer");
        assertThat(Files.readString(out.resolve("README.txt"))).contains("--seed 3").contains("--small").contains("lungfl 0.");

        Path cache = dir.resolve("cache");
        CliRun imp = CliRun.lungfl("dataset", "import", "--dicom", out.resolve("test/dicom").toString(),
                "--labels", out.resolve("test/labels.csv").toString(), "--out", cache.toString());
        assertThat(imp.exit()).as(imp.out() + imp.err()).isZero();
        CliRun b = CliRun.lungfl("synth", "baseline", cache.toString(), "--scores");
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.out()).startsWith("id,cancer,largest_dense_blob_ml").contains("test-0004,")
                .containsPattern("ROC AUC [01]\\.\\d{3} over 4 patients \\(2 with cancer\\)");
    }

    @Test
    void errorsAreOneLineWithTheRightExitCode(@TempDir Path dir) throws Exception {
        CliRun missing = CliRun.lungfl("synth", "--small");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--out");

        CliRun badRate = CliRun.lungfl("synth", "--positive-rate", "2", "--out", dir.resolve("x").toString());
        assertThat(badRate.exit()).isEqualTo(1);
        assertThat(badRate.err().strip()).isEqualTo("lungfl: --positive-rate must be in [0, 1], got 2.0");

        Files.writeString(dir.resolve("occupied.txt"), "x");
        CliRun full = CliRun.lungfl("synth", "--small", "--out", dir.toString());
        assertThat(full.exit()).isEqualTo(1);
        assertThat(full.err().lines()).hasSize(1).first().asString().contains("not empty");

        CliRun syntax = CliRun.lungfl("synth", "--small", "--syntax", "jpeg", "--out", dir.resolve("y").toString());
        assertThat(syntax.exit()).isEqualTo(1);
        assertThat(syntax.err()).contains("--syntax 'jpeg'");
    }
}
