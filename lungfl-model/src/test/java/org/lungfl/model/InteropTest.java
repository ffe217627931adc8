package org.lungfl.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.model.ModelSpec;
import org.lungfl.core.tensor.Npy;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/**
 * LungFL's weights files load into the reference PyTorch module with strict=True and give the same
 * logits (Debian's python3-torch; skipped with the reason when it is not installed).
 */
class InteropTest {
    static final int[] SHAPE = SyntheticVolumes.SHAPE;
    static final int N = 3;
    @TempDir static Path dir;
    static Path script;
    static Path input;
    static float[] x;
    static Path patchInput;
    static float[] patches;
    static final int[] PATCH = {1, 32, 32, 32};

    @BeforeAll
    static void setUp() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(ReferencePython.unavailableReason().isEmpty(),
                () -> "interop with the reference PyTorch module skipped: " + ReferencePython.unavailableReason().orElse(""));
        script = ReferencePython.script(dir, "lungfl_logits.py");
        Random r = new Random(42);
        x = new float[N * SHAPE[1] * SHAPE[2] * SHAPE[3]];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 0.3);
        input = dir.resolve("input.npy");
        Npy.write(input, new int[] {N, 1, SHAPE[1], SHAPE[2], SHAPE[3]}, x);
        patches = new float[N * 32 * 32 * 32];
        for (int i = 0; i < patches.length; i++) patches[i] = (float) (r.nextGaussian() * 0.3);
        patchInput = dir.resolve("patches.npy");
        Npy.write(patchInput, new int[] {N, 1, 32, 32, 32}, patches);
    }

    @Test
    void patchModelInitialAndTrainedWeightsGiveTheSameLogits() throws IOException {
        try (LungModel m = LungModel.of(ModelSpec.CNN3D_PATCH_V1, PATCH, ModelSpec.cnn3dPatchV1().initialWeights(20261205))) {
            assertSameLogits(m, "patch-initial.safetensors", patches, patchInput);
            new LocalTrainer(m, new TrainingOptions(1, 4, 1e-3, 0, true, 1)).train(new SyntheticPatches(12, 5), TrainingProgress.NONE);
            assertThat(m.weights().get("blocks.3.bn.running_var").floats()[0]).isNotEqualTo(1f);
            assertSameLogits(m, "patch-trained.safetensors", patches, patchInput);
        }
    }

    @Test
    void initialWeightsGiveTheSameLogits() throws IOException {
        Weights w = ModelSpec.cnn3dV1().initialWeights(20261128);
        try (LungModel m = LungModel.of(SHAPE, w)) {
            assertSameLogits(m, "initial.safetensors");
        }
    }

    @Test
    void trainedWeightsWithRunningStatisticsGiveTheSameLogits() throws IOException {
        List<LabelledVolume> data = SyntheticVolumes.write(dir, "interop", 16, 3);
        try (LungModel m = LungModel.of(SHAPE, ModelSpec.cnn3dV1().initialWeights(9))) {
            new LocalTrainer(m, new TrainingOptions(1, 4, 1e-3, 0, true, 1)).train(data, TrainingProgress.NONE);
            // Training moved the running statistics away from identity: the file carries them.
            assertThat(m.weights().get("blocks.0.bn.running_mean").floats()[0]).isNotEqualTo(0f);
            assertSameLogits(m, "trained.safetensors");
        }
    }

    private void assertSameLogits(LungModel m, String fileName) throws IOException {
        assertSameLogits(m, fileName, x, input);
    }

    private void assertSameLogits(LungModel m, String fileName, float[] x, Path input) throws IOException {
        Path file = dir.resolve(fileName);
        Files.write(file, SafeTensors.write(m.weights(), Map.of()));
        float[] java = m.logits(x, N);
        JsonNode out = new ObjectMapper().readTree(ReferencePython.run(300, script.toString(), file.toString(), input.toString()));
        JsonNode logits = out.get("logits");
        assertThat(logits.size()).isEqualTo(N);
        for (int i = 0; i < N; i++) {
            assertThat(logits.get(i).asDouble()).as("logit %d (torch %s)", i, out.get("torch").asText())
                    .isCloseTo(java[i], org.assertj.core.api.Assertions.within(1e-4));
        }
        // Different volumes give different logits, so equality above is not a constant matching a constant.
        assertThat(java[0]).isNotEqualTo(java[1]);
    }
}
