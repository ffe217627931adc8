package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;

/** model init, train, evaluate, predict and bench train in-process, on a real imported cache. */
class ModelCommandsTest {
    @TempDir static Path tmp;
    static Path dicom;
    static Path cache;
    static Path planFile;
    static final ObjectMapper JSON = new ObjectMapper();



    /** A small plan (16x32x32 input) and a cache of four imported synthetic patients. */
    @BeforeAll
    static void cache() throws Exception {
        String demo = new String(FederationPlan.preset("whole-volume").toJson(), StandardCharsets.UTF_8);
        planFile = Files.writeString(tmp.resolve("tiny.json"), demo.replace("\"whole-volume\"", "\"tiny\"")
                .replaceAll("\"target_shape\" : \\[[^]]*]", "\"target_shape\" : [ 16, 32, 32 ]")
                .replaceAll("\"batch_size\" : \\d+", "\"batch_size\" : 2")
                .replaceAll("\"validation_fraction\" : [0-9.]+", "\"validation_fraction\" : 0.5"));
        assertThat(FederationPlan.load(planFile.toString()).inputShape()).containsExactly(1, 16, 32, 32);
        dicom = tmp.resolve("dicom");
        BenchImportCommand.generate(dicom, 4, 4, org.lungfl.dicom.io.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "id,cancer\nbench000,1\nbench001,0\nbench002,1\nbench003,0\n");
        cache = tmp.resolve("cache");
        CliRun imp = CliRun.lungfl("dataset", "import", "--dicom", dicom.toString(), "--labels", labels.toString(), "--out", cache.toString(),
                "--plan", planFile.toString());
        assertThat(imp.exit()).as(imp.err()).isZero();
    }

    @Test
    void modelInitWritesThePlansInitialWeights() throws Exception {
        Path out = tmp.resolve("v0.safetensors");
        CliRun r = CliRun.lungfl("model", "init", "--plan", "demo", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("cnn3d-patch-v1").contains("26 tensors");
        var contents = SafeTensors.read(Files.readAllBytes(out));
        assertThat(contents.weights()).isEqualTo(FederationPlan.preset("demo").initialWeights());
        assertThat(contents.metadata()).containsEntry("plan_fingerprint", FederationPlan.preset("demo").fingerprint());
    }

    @Test
    void trainEvaluateAndPredictAgree() throws Exception {
        Path model = tmp.resolve("trained.safetensors");
        CliRun train = CliRun.lungfl("train", "--data", cache.toString(), "--plan", planFile.toString(), "--epochs", "2", "--last",
                "--out", model.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("wrote " + model + ": the last epoch");
        assertThat(train.out()).contains("training on 2 patients (1 cancer), validating on 2, 2 epochs, batch 2")
                .contains("epoch 1: loss").contains("epoch 2: loss").contains("validation on 2 patients (1 cancer): AUC");
        assertThat(train.err()).contains("train: 2/2");
        FederationPlan tiny = FederationPlan.load(planFile.toString());
        assertThat(tiny.modelSpec().differences(SafeTensors.read(Files.readAllBytes(model)).weights())).isEmpty();
        assertThat(SafeTensors.read(Files.readAllBytes(model)).weights().get("blocks.0.bn.num_batches_tracked").longs())
                .containsExactly(2L);

        CliRun eval = CliRun.lungfl("evaluate", "--model", model.toString(), "--data", cache.toString(), "--plan", planFile.toString(), "--json");
        assertThat(eval.exit()).as(eval.err()).isZero();
        JsonNode e = JSON.readTree(eval.out());
        assertThat(e.at("/metrics/count").asInt()).isEqualTo(4);
        assertThat(e.at("/metrics/positives").asInt()).isEqualTo(2);
        assertThat(e.at("/metrics/at_half/tp").asInt() + e.at("/metrics/at_half/fn").asInt()).isEqualTo(2);
        assertThat(e.get("predictions")).hasSize(4);
        double evaluated = -1;
        for (JsonNode p : e.get("predictions")) if (p.get("key").asText().equals("bench002")) evaluated = p.get("probability").asDouble();

        CliRun text = CliRun.lungfl("evaluate", "--model", model.toString(), "--data", cache.toString(), "--plan", planFile.toString());
        assertThat(text.out()).contains("evaluation on 4 patients (2 cancer)").contains("at Youden");

        // predict imports the folder itself: the same preprocessing must give the cache's probability.
        CliRun predict = CliRun.lungfl("predict", "--model", model.toString(), "--plan", planFile.toString(), "--json", dicom.resolve("bench002").toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        JsonNode p = JSON.readTree(predict.out());
        assertThat(p.get("probability").asDouble()).isCloseTo(evaluated, within(1e-6));
        assertThat(p.get("slices").asInt()).isEqualTo(4);
        assertThat(predict.out()).doesNotContain("BENCH");

        CliRun human = CliRun.lungfl("predict", "--model", model.toString(), "--plan", planFile.toString(), dicom.resolve("bench002").toString());
        assertThat(human.out()).startsWith("cancer probability ");
    }

    @Test
    void mistakesAreOneLineErrors() throws Exception {
        CliRun noModel = CliRun.lungfl("evaluate", "--model", tmp.resolve("nope.safetensors").toString(), "--data", cache.toString(), "--plan", planFile.toString());
        assertThat(noModel.exit()).isEqualTo(1);
        assertThat(noModel.err().strip()).isEqualTo("lungfl: " + tmp.resolve("nope.safetensors") + ": no such file");

        CliRun otherPlan = CliRun.lungfl("train", "--data", cache.toString(), "--plan", "whole-volume", "--out", tmp.resolve("x.safetensors").toString());
        assertThat(otherPlan.exit()).isEqualTo(1);
        assertThat(otherPlan.err()).contains("preprocessed for another plan than 'whole-volume'").contains("re-import").hasLineCount(1);

        Path garbage = Files.writeString(tmp.resolve("garbage.safetensors"), "not a model");
        CliRun bad = CliRun.lungfl("evaluate", "--model", garbage.toString(), "--data", cache.toString(), "--plan", planFile.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("lungfl: " + garbage + ": ").hasLineCount(1);

        CliRun noCache = CliRun.lungfl("train", "--data", tmp.resolve("nocache").toString(), "--out", tmp.resolve("y.safetensors").toString());
        assertThat(noCache.exit()).isEqualTo(1);
        assertThat(noCache.err()).contains("no manifest.json");

        CliRun epochs = CliRun.lungfl("train", "--data", cache.toString(), "--epochs", "0", "--out", tmp.resolve("z.safetensors").toString());
        assertThat(epochs.exit()).isEqualTo(2);

        CliRun notDicom = CliRun.lungfl("predict", "--model", tmp.resolve("v0.safetensors").toString(), tmp.resolve("missing").toString());
        assertThat(notDicom.exit()).isEqualTo(1);
    }

    @Test
    void benchTrainHasHelp() {
        CliRun help = CliRun.lungfl("bench", "train", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--batch").contains("--repeats").contains("reference PyTorch module");
    }
}
