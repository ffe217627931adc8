package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;

/**
 * The lesion-centred plan through the CLI as a user runs it: import with nodule annotations,
 * the detector's recall, training, evaluation per patient and per candidate, and a prediction
 * with findings in millimetres that agrees with the evaluation of the same patient.
 */
class LesionCommandsTest {
    @TempDir static Path tmp;
    static Path site, cache;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void importWithAnnotations() {
        // Full-size studies (the demo plan's 1.5 mm needs them), half with cancer, nodules of 10-30 mm.
        PhantomModel visible = new PhantomModel(10, 10, 30, 0, 0, 0, 0.25, 0.25, 0.5, 0.5, 3, 8, -850, 30, 40);
        SynthDataset.generate(new SynthDataset.Options(1, 6, 0, 0.5, 0, 23, false, visible, null, null, 2), tmp.resolve("synth"), "test",
                "test", (done, total, bytes) -> {});
        site = tmp.resolve("synth").resolve("site-1");
        cache = tmp.resolve("cache");
        CliRun imp = CliRun.lungfl("dataset", "import", "--dicom", site.resolve("dicom").toString(), "--labels", site.resolve("labels.csv").toString(),
                "--annotations", site.resolve("nodules.csv").toString(), "--out", cache.toString(), "--plan", "demo");
        assertThat(imp.exit()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("imported 6 patient(s)");
    }

    @Test
    void theCacheHoldsCandidatesAndTheDetectorsRecallIsReported() throws Exception {
        for (Manifest.Entry e : Manifest.read(cache).patients().values()) {
            assertThat(e.lesion()).as(e.key()).isNotNull();
            assertThat(e.lesion().candidates()).isNotEmpty().hasSizeLessThanOrEqualTo(24);
            assertThat(cache.resolve(e.lesion().patches())).isRegularFile();
        }
        CliRun text = CliRun.lungfl("dataset", "candidates", cache.toString());
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("malignant nodules found by the first 24 candidates").contains("8-15 mm").contains("oracle AUC");
        CliRun json = CliRun.lungfl("dataset", "candidates", cache.toString(), "--json", "--top", "8");
        JsonNode r = JSON.readTree(json.out());
        assertThat(r.get("k").asInt()).isEqualTo(8);
        assertThat(r.get("cancers").asInt()).isEqualTo(3);
        assertThat(r.get("cancers_found").asInt()).isBetween(0, 3);
    }

    @Test
    void trainEvaluateAndPredictWorkOnCandidatesAndAgree() throws Exception {
        Path model = tmp.resolve("patch.safetensors");
        CliRun train = CliRun.lungfl("train", "--data", cache.toString(), "--plan", "demo", "--epochs", "2", "--out", model.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).containsPattern("training on \\d+ patients \\(\\d+ cancer\\), validating on \\d+, 2 epochs, batch 32; \\d+ patches \\(\\d+ positive\\)")
                .contains("epoch 2: loss").contains("the best by validation AUC");

        CliRun eval = CliRun.lungfl("evaluate", "--model", model.toString(), "--data", cache.toString(), "--plan", "demo", "--json");
        assertThat(eval.exit()).as(eval.err()).isZero();
        JsonNode e = JSON.readTree(eval.out());
        assertThat(e.at("/metrics/count").asInt()).isEqualTo(6);
        assertThat(e.at("/candidate_metrics/positives").asInt()).isPositive();
        assertThat(e.get("auc_95ci")).hasSize(2);
        String key = e.get("predictions").get(0).get("key").asText();
        double evaluated = e.get("predictions").get(0).get("probability").asDouble();

        // predict reads the DICOM folder itself: the same detector and patches give the cache's probability.
        CliRun predict = CliRun.lungfl("predict", "--model", model.toString(), "--plan", "demo", "--json", "--findings", "3",
                site.resolve("dicom").resolve(key).toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        JsonNode p = JSON.readTree(predict.out());
        assertThat(p.get("probability").asDouble()).isCloseTo(evaluated, within(1e-6));
        assertThat(p.get("findings")).hasSize(3);
        JsonNode first = p.get("findings").get(0);
        assertThat(first.get("position_mm")).hasSize(3);
        assertThat(first.get("probability").asDouble()).isCloseTo(evaluated, within(1e-6)); // the max rule: the top finding is the patient
        assertThat(p.get("findings").get(1).get("probability").asDouble()).isLessThanOrEqualTo(first.get("probability").asDouble());
        assertThat(predict.out()).doesNotContain("SYNTH");
        CliRun human = CliRun.lungfl("predict", "--model", model.toString(), "--plan", "demo", site.resolve("dicom").resolve(key).toString());
        assertThat(human.out()).startsWith("cancer probability ").contains("top findings (patient coordinates, LPS mm)").contains("1. x ");
    }

    @Test
    void aSiteWithoutAnnotationsCanEvaluateButNotTrain() throws Exception {
        Path plain = tmp.resolve("plain-cache");
        CliRun imp = CliRun.lungfl("dataset", "import", "--dicom", site.resolve("dicom").toString(), "--labels", site.resolve("labels.csv").toString(),
                "--out", plain.toString(), "--plan", "demo");
        assertThat(imp.exit()).as(imp.err()).isZero();
        CliRun train = CliRun.lungfl("train", "--data", plain.toString(), "--plan", "demo", "--out", tmp.resolve("never.safetensors").toString());
        assertThat(train.exit()).isEqualTo(1);
        assertThat(train.err()).contains("have no nodule annotations").contains("--annotations").hasLineCount(1);
        Path v0 = tmp.resolve("v0.safetensors");
        assertThat(CliRun.lungfl("model", "init", "--plan", "demo", "--out", v0.toString()).exit()).isZero();
        CliRun eval = CliRun.lungfl("evaluate", "--model", v0.toString(), "--data", plain.toString(), "--plan", "demo");
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("evaluation on 6 patients (3 cancer)").doesNotContain("candidates on");
        assertThat(Files.exists(tmp.resolve("never.safetensors"))).isFalse();
    }
}
