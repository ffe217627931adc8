package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lungfl bench robustness} in miniature: 5 hospitals of 3 full-size phantoms (the demo plan's
 * 1.5 mm needs them), 2 strategies × 2 conditions, 2 rounds of 1 epoch. It checks the report's
 * structure and which way the attack turns the global model, not the AUCs, which 4 test patients cannot show.
 */
class BenchRobustnessCommandTest {
    @TempDir Path dir;

    @Test
    void scalingMovesFedAvgFarAndTrimmedMeanNotAndTheReportSaysSo() throws Exception {
        Path out = dir.resolve("bench");
        CliRun r = CliRun.lungfl("bench", "robustness", "--out", out.toString(), "--patients-per-site", "3", "--test-patients", "4",
                "--rounds", "2", "--epochs", "1", "--strategies", "fedavg,trimmed-mean", "--attacks", "honest,scaling");
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("[4/4]").contains("site-5 attacks");

        // rounds.csv: round 0 and 2 rounds per federation.
        List<String> lines = Files.readAllLines(out.resolve(BenchRobustnessCommand.CSV));
        assertThat(lines.get(0)).startsWith("setting,attack,round,version,aggregated,stopped,step_norm,honest_norm,attacker_norm,honest_cosine,test_auc");
        Map<String, String[]> row = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            row.put(f[0] + "/" + f[1] + "/" + f[2], f);
        }
        assertThat(row).hasSize(2 * 2 * 3);
        for (String key : row.keySet()) {
            String[] f = row.get(key);
            if (f[2].equals("0")) continue;
            assertThat(f[4]).as("%s: every update aggregated", key).isEqualTo("5");
            assertThat(f[5]).as("%s: nothing screened", key).isEqualTo("0");
        }
        // The hostile update is ten times the honest ones; the honest run has none.
        String[] fedavgScaled = row.get("fedavg/scaling/1");
        assertThat(Double.parseDouble(fedavgScaled[8]) / Double.parseDouble(fedavgScaled[7])).isGreaterThan(5);
        assertThat(row.get("fedavg/honest/1")[8]).isEqualTo("NaN");

        // Under scaling, plain FedAvg follows the attacker: its step points away from where the honest
        // sites lead. Trimmed mean drops the outlier coordinate by coordinate and keeps their direction;
        // with nobody attacking both follow the honest sites.
        for (String round : List.of("1", "2")) {
            assertThat(cosine(row, "fedavg/scaling/" + round)).as("FedAvg under scaling, round %s", round).isNegative();
            assertThat(cosine(row, "trimmed-mean/scaling/" + round)).as("trimmed mean under scaling, round %s", round).isGreaterThan(0.5);
            assertThat(cosine(row, "fedavg/honest/" + round)).as("FedAvg, all honest, round %s", round).isGreaterThan(0.5);
            assertThat(cosine(row, "trimmed-mean/honest/" + round)).as("trimmed mean, all honest, round %s", round).isGreaterThan(0.5);
        }
        assertThat(row.get("fedavg/honest/0")[9]).as("round 0 has no step").isEqualTo("NaN");

        String report = Files.readString(out.resolve(RobustnessReport.FILE));
        assertThat(report).contains("## Final test AUC per patient (95 % CI, Hanley-McNeil)", "## Rounds to recover",
                "## Against the issue's targets", "not the HTTP path's", "| setting | all honest | model scaling (delta x -10) |",
                "| fedavg |", "| trimmed-mean |", "site-5 attacking", "2 rounds of 1 local epochs");
        assertThat(report).containsPattern("Plain FedAvg under model scaling: final test AUC");
        for (String png : List.of(RobustnessReport.BARS, RobustnessReport.CURVES)) {
            assertThat(report).contains("(" + png + ")");
            assertThat(ImageIO.read(out.resolve(png).toFile()).getWidth()).isGreaterThan(400);
        }

        // The report written again from rounds.csv alone is the same report.
        Files.delete(out.resolve(RobustnessReport.BARS));
        CliRun rerender = CliRun.lungfl("bench", "robustness", "--out", out.toString(), "--patients-per-site", "3", "--test-patients", "4",
                "--rounds", "2", "--epochs", "1", "--strategies", "fedavg,trimmed-mean", "--attacks", "honest,scaling", "--rerender");
        assertThat(rerender.exit()).as("stderr: %s", rerender.err()).isZero();
        assertThat(rerender.out()).contains("report written again").contains("(4 runs)").doesNotContain("[1/4]");
        assertThat(Files.readString(out.resolve(RobustnessReport.FILE))).isEqualTo(report);
        assertThat(out.resolve(RobustnessReport.BARS)).isNotEmptyFile();

        // A second run reuses the data; a run asking for other sizes is refused, naming the folder.
        CliRun again = CliRun.lungfl("bench", "robustness", "--out", out.toString(), "--patients-per-site", "3", "--test-patients", "4",
                "--rounds", "1", "--epochs", "1", "--strategies", "median+screening", "--attacks", "noise");
        assertThat(again.exit()).as("stderr: %s", again.err()).isZero();
        assertThat(again.out()).contains("synthetic data: reusing").contains("median + screening");
        CliRun other = CliRun.lungfl("bench", "robustness", "--out", out.toString(), "--patients-per-site", "4", "--test-patients", "4");
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err()).contains(out.resolve("data").toString()).contains("other synthetic data");
        CliRun unknown = CliRun.lungfl("bench", "robustness", "--out", out.toString(), "--strategies", "fedavg,krumm");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown strategy 'krumm'");
    }

    private static double cosine(Map<String, String[]> row, String key) {
        return Double.parseDouble(row.get(key)[9]);
    }
}
