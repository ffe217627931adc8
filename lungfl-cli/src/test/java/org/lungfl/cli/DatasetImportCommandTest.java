package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.dataset.Manifest;

/** `lungfl dataset import` in-process, on series written by LungFL's own DICOM writer. */
class DatasetImportCommandTest {
    @TempDir Path tmp;



    @Test
    void importsAPatientFolderAndResumes() throws Exception {
        Path dicom = tmp.resolve("dicom");
        BenchImportCommand.generate(dicom, 1, 6, org.lungfl.dicom.io.TransferSyntax.RLE_LOSSLESS);
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "id,cancer\nbench000,1\nmissing,0\n");
        Path cache = tmp.resolve("cache");
        String[] args = {"dataset", "import", "--dicom", dicom.toString(), "--labels", labels.toString(), "--out", cache.toString(),
            "--plan", "whole-volume", "--threads", "2"};

        CliRun first = CliRun.lungfl(args);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("imported 1 patient(s) (6 slices), 0 already done, 0 skipped")
                .contains("bench000: label 1").contains("labels without data (1): missing");
        assertThat(first.err()).contains("import: 1/1").doesNotContain("Exception");
        assertThat(first.out() + first.err()).doesNotContain("BENCH"); // the writer's PatientName/ID
        assertThat(Npy.read(cache.resolve("bench000.npy")).shape()).containsExactly(32, 64, 64);
        assertThat(Manifest.read(cache).patients()).containsOnlyKeys("bench000");

        CliRun second = CliRun.lungfl(args);
        assertThat(second.exit()).isZero();
        assertThat(second.out()).contains("imported 0 patient(s) (0 slices), 1 already done");
    }

    @Test
    void anImportThatSkipsAPatientExitsWithThePartialSuccessCode() throws Exception {
        Path dicom = tmp.resolve("dicom");
        BenchImportCommand.generate(dicom, 2, 3, org.lungfl.dicom.io.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "id,cancer\nbench000,1\n");
        CliRun run = CliRun.lungfl("dataset", "import", "--dicom", dicom.toString(), "--labels", labels.toString(),
                "--out", tmp.resolve("cache").toString(), "--plan", "demo", "--threads", "2");
        assertThat(run.exit()).as(run.err()).isEqualTo(Main.PARTIAL_SUCCESS).isEqualTo(3);
        assertThat(run.out()).contains("imported 1 patient(s) (3 slices), 0 already done, 1 skipped, 0 unreadable file(s): "
                + "partial success (exit status 3)").contains("bench001: no label in " + labels);

        CliRun help = CliRun.lungfl("dataset", "import", "--help");
        assertThat(help.out()).contains("Exit status:").containsPattern("3 +partial success");
    }

    @Test
    void badInputIsOneLineAndExitCodeOneOrTwo() throws Exception {
        Path dicom = Files.createDirectories(tmp.resolve("dicom"));
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "id,cancer\na,x\n");
        CliRun bad = CliRun.lungfl("dataset", "import", "--dicom", dicom.toString(), "--labels", labels.toString(), "--out", tmp.resolve("c").toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("lungfl: " + labels + " line 2: cancer 'x' must be 0 or 1");

        CliRun usage = CliRun.lungfl("dataset", "import", "--dicom", dicom.toString());
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required options");

        CliRun plan = CliRun.lungfl("dataset", "import", "--dicom", dicom.toString(), "--labels", labels.toString(), "--out", tmp.resolve("c").toString(),
                "--plan", "nosuchplan");
        assertThat(plan.exit()).isEqualTo(1);
        assertThat(plan.err()).contains("plan 'nosuchplan': not a preset");
    }

    @Test
    void benchImportHasHelp() {
        CliRun help = CliRun.lungfl("bench", "import", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--series").contains("--slices").contains("scipy.ndimage.zoom");
    }

    @Test
    void benchImportRunsTheOneAndAHalfMillimetrePlanAndRefusesALesionCentredOne() {
        CliRun lesion = CliRun.lungfl("bench", "import", "--plan", "demo", "--no-python");
        assertThat(lesion.exit()).isEqualTo(1);
        assertThat(lesion.err()).contains("plan 'demo' is lesion-centred").contains("bench/plan-1.5mm.json").contains("bench candidates");

        CliRun run = CliRun.lungfl("bench", "import", "--series", "1", "--slices", "8", "--rounds", "1", "--no-python");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("plan bench-1.5mm, spacing [1.5, 1.5, 1.5] mm").containsPattern("LungFL \\(\\d+ threads?\\): +[0-9.]+ slices/s");
    }
}
