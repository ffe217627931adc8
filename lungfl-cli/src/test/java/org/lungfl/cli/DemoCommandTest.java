package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lungfl demo` in miniature: 2 hospitals of tiny synthetic studies, a tiny plan, 2 rounds, a real server. */
class DemoCommandTest {
    static final String TINY_PLAN = """
            {"name": "tiny", "architecture": "cnn3d-v1", "seed": 11,
             "preprocess": {"spacing_mm": [10.0, 10.0, 10.0], "target_shape": [16, 32, 32], "hu_window": [-1000.0, 400.0], "mean": 0.25},
             "train": {"epochs_per_round": 1, "batch_size": 4, "learning_rate": 0.001, "fedprox_mu": 0.0, "validation_fraction": 0.25,
                       "augment": false},
             "aggregation": {"strategy": "fedavg", "staleness_exponent": 0.5}}
            """;
    @TempDir Path dir;



    @Test
    void runsAMiniatureFederationEndToEnd() throws Exception {
        Path plan = Files.writeString(dir.resolve("tiny.json"), TINY_PLAN), out = dir.resolve("demo");
        CliRun r = CliRun.lungfl("demo", "--out", out.toString(), "--plan", plan.toString(), "--small", "--sites", "2", "--patients-per-site", "8",
                "--test-patients", "6", "--rounds", "2");
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();

        // One table row per global version, versions advancing, both sites in every round.
        // version | contributors | samples | sites' mean validation AUC | pooled validation AUC | test AUC | test candidate AUC
        Matcher m = Pattern.compile("(?m)^\\s+(\\d+) \\|\\s+(\\S+) \\|\\s+(\\S+) \\|\\s+(\\S+) \\|\\s+(\\S+) \\|\\s+(\\d\\.\\d{3}) \\|\\s+(\\S+)$")
                .matcher(r.out());
        List<String[]> rows = new ArrayList<>();
        while (m.find()) rows.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(6)});
        assertThat(rows).extracting(x -> x[0]).containsExactly("0", "1", "2");
        assertThat(rows.subList(1, 3)).allSatisfy(x -> assertThat(x[1]).isEqualTo("2"));
        assertThat(r.out()).containsPattern("federated \\d\\.\\d{3} \\(95% CI \\d\\.\\d\\d-\\d\\.\\d\\d\\), centralised \\d\\.\\d{3} \\(95% CI [^)]+\\), ratio \\d+\\.\\d{3}");
        // Six test patients cannot show learning: the demo says so rather than let the ratio look like a result.
        assertThat(r.out()).contains("neither model is distinguishable from chance");

        for (String site : List.of("site-1", "site-2")) {
            assertThat(Files.readAllLines(out.resolve("sites").resolve(site).resolve("rounds.csv"))).hasSize(3);
        }
        // The server kept each version's validation metrics from both sites.
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(out.resolve("server").resolve("validation.jsonl"));
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            assertThat(n.path("contributors")).hasSize(2).allSatisfy(c -> assertThat(c.path("metrics").has("train_loss")).isTrue());
        }
        assertThat(out.resolve("global-model.safetensors")).exists();
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("| ratio federated / centralised |").contains("95% CI").contains("neither model is distinguishable from chance")
                .containsPattern("\\| 2( \\(chosen\\))? \\| 2 \\|").contains(" (chosen) |");
        var png = ImageIO.read(out.resolve("auc-per-round.png").toFile());
        assertThat(png.getWidth()).isGreaterThan(400);

        assertThat(report).doesNotContain("Differential privacy");

        // A second run reuses the synthetic data and the caches, and starts a fresh federation; under DP-FedAvg
        // the demo says what the accountant says after the last version.
        Path dpPlan = Files.writeString(dir.resolve("tiny-dp.json"), TINY_PLAN.replace("\"staleness_exponent\": 0.5}",
                "\"staleness_exponent\": 0.5, \"dp\": {\"clip_norm\": 1.0, \"noise_multiplier\": 1.0, \"delta\": 1e-5}}"));
        CliRun again = CliRun.lungfl("demo", "--out", out.toString(), "--plan", dpPlan.toString(), "--small", "--sites", "2", "--rounds", "1");
        assertThat(again.exit()).as("stderr: %s", again.err()).isZero();
        assertThat(again.out()).contains("synthetic data: reusing")
                .containsPattern("differential privacy \\(DP-FedAvg\\): epsilon \\d+\\.\\d\\d for delta 1e-05 after global version 1, the last published");
        assertThat(again.err()).contains("0 imported now, 8 from the cache");
        assertThat(Files.readString(out.resolve("report.md"))).contains("## Differential privacy").containsPattern("\\| 1 \\| \\d+\\.\\d\\d \\| 1e-05 \\|");
    }
}
