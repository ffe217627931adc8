package org.lungfl.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

class ModelSpecTest {

    @Test
    void cnn3dV1HasTheDocumentedLayersAndSize() {
        ModelSpec spec = ModelSpec.cnn3dV1();
        assertThat(spec.tensors()).hasSize(4 * 6 + 4);
        assertThat(spec.tensors().get(0)).isEqualTo(new TensorSpec("blocks.0.conv.weight", DType.F32, new int[] {16, 1, 3, 3, 3}));
        assertThat(spec.tensors()).contains(new TensorSpec("blocks.3.conv.weight", DType.F32, new int[] {128, 64, 3, 3, 3}));
        assertThat(spec.tensors()).contains(new TensorSpec("blocks.2.bn.num_batches_tracked", DType.I64, new int[] {}));
        assertThat(spec.tensors()).contains(new TensorSpec("fc1.weight", DType.F32, new int[] {64, 128}));
        long convParams = 27L * (16 * 1 + 32 * 16 + 64 * 32 + 128 * 64);
        long bnParams = 4L * (16 + 32 + 64 + 128) + 4;
        long fcParams = 128 * 64 + 64 + 64 + 1;
        assertThat(spec.initialWeights(1).parameterCount()).isEqualTo(convParams + bnParams + fcParams);
    }

    @Test
    void initialisationIsHeNormalAndDependsOnTheSeedOnly() {
        ModelSpec spec = ModelSpec.cnn3dV1();
        Weights a = spec.initialWeights(5);
        assertThat(spec.initialWeights(5)).isEqualTo(a);
        assertThat(spec.initialWeights(6)).isNotEqualTo(a);
        float[] w = a.get("blocks.3.conv.weight").floats();
        double mean = 0, sq = 0;
        for (float x : w) { mean += x; sq += x * x; }
        mean /= w.length;
        double std = Math.sqrt(sq / w.length - mean * mean);
        assertThat(std).isCloseTo(Math.sqrt(2.0 / (64 * 27)), org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(mean).isCloseTo(0, org.assertj.core.data.Offset.offset(0.002));
        assertThat(a.get("blocks.3.bn.running_var").floats()).containsOnly(1f);
        assertThat(a.get("fc1.bias").floats()).containsOnly(0f);
        assertThat(spec.differences(a)).isEmpty();
    }

    /**
     * Version 0 of every federation is this initialisation, so its bytes must never change by
     * accident (a JDK, refactoring or ordering change): pinned to the digests of the presets'
     * version 0. If an architecture changes on purpose, it gets a new name and a new pin.
     */
    @Test
    void presetVersionZeroBytesArePinned() throws Exception {
        assertThat(versionZeroDigest("demo")).as("demo (cnn3d-patch-v1)").isEqualTo(PINNED_DEMO_V0);
        assertThat(versionZeroDigest("whole-volume")).as("whole-volume (cnn3d-v1)").isEqualTo(PINNED_WHOLE_VOLUME_V0);
    }

    private static String versionZeroDigest(String preset) throws Exception {
        byte[] bytes = SafeTensors.write(FederationPlan.preset(preset).initialWeights(), Map.of());
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static final String PINNED_DEMO_V0 = "65e0403a367c982a6c50aa2e2cb790e5059b60a57fb6363afc458befbc876caa";
    /** The former demo plan's, unchanged since cnn3d-v1 moved to the preset 'whole-volume'. */
    static final String PINNED_WHOLE_VOLUME_V0 = "9f488cd49fb403d1e4b3976ad721f570af1e2e2810c76ebd3af78991bbe26e57";

    @Test
    void differencesNameWhatIsWrong() {
        ModelSpec spec = ModelSpec.cnn3dV1();
        List<Tensor> ts = new ArrayList<>(spec.initialWeights(1).tensors());
        ts.remove(0);
        ts.set(0, Tensor.ofFloats("blocks.0.bn.weight", new int[] {17}, new float[17]));
        ts.add(Tensor.ofFloats("extra", new int[] {1}, new float[1]));
        assertThat(spec.differences(new Weights(ts))).containsExactlyInAnyOrder(
                "missing tensor blocks.0.conv.weight F32[16, 1, 3, 3, 3]",
                "tensor 'blocks.0.bn.weight' is F32[17], expected F32[16]",
                "unexpected tensor extra F32[1]");
    }
}
