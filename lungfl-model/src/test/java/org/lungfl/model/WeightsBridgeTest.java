package org.lungfl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.model.ModelSpec;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

class WeightsBridgeTest {
    static final int[] SHAPE = {1, 16, 32, 32};

    /** Every tensor, BatchNorm buffers and counters included, set to distinct random values. */
    static Weights randomWeights(long seed) {
        Random r = new Random(seed);
        List<Tensor> ts = new ArrayList<>();
        for (var s : ModelSpec.cnn3dV1().tensors()) {
            int n = Math.toIntExact(Tensor.elementCount(s.shape()));
            if (s.dtype() == DType.I64) {
                ts.add(Tensor.ofLongs(s.name(), s.shape(), new long[] {r.nextInt(1000)}));
            } else {
                float[] v = new float[n];
                // running variances must stay positive
                for (int i = 0; i < n; i++) v[i] = s.name().endsWith("running_var") ? 0.5f + r.nextFloat() : (float) r.nextGaussian() * 0.1f;
                ts.add(Tensor.ofFloats(s.name(), s.shape(), v));
            }
        }
        return new Weights(ts);
    }

    @Test
    void roundTripIsBitExactIncludingBatchNormBuffers() {
        Weights w = randomWeights(7);
        try (LungModel m = LungModel.of(SHAPE, w)) {
            Weights back = m.weights();
            assertThat(back).isEqualTo(w);
            assertThat(SafeTensors.write(back, java.util.Map.of())).isEqualTo(SafeTensors.write(w, java.util.Map.of()));
        }
    }

    @Test
    void loadedValuesChangeTheForwardPass() {
        // Guards against a bridge that copies names but not values into the live DJL arrays.
        float[] x = new float[16 * 32 * 32];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        try (LungModel m = LungModel.of(SHAPE, randomWeights(1))) {
            float a = m.logits(x, 1)[0];
            m.load(randomWeights(2));
            assertThat(m.logits(x, 1)[0]).isNotEqualTo(a);
            m.load(randomWeights(1));
            assertThat(m.logits(x, 1)[0]).isEqualTo(a);
        }
    }

    @Test
    void loadingOverADivergedModelRestoresEveryValueAndLeavesAutogradAsItWas() {
        // A client whose local training blew up to NaN must be fully reset by the next global model.
        List<Tensor> nan = new ArrayList<>();
        for (Tensor t : randomWeights(3).tensors()) {
            if (t.dtype() == DType.I64) {
                nan.add(t);
            } else {
                float[] v = new float[t.floats().length];
                java.util.Arrays.fill(v, Float.NaN);
                nan.add(Tensor.ofFloats(t.name(), t.shape(), v));
            }
        }
        Weights good = randomWeights(4);
        try (LungModel m = LungModel.of(SHAPE, new Weights(nan))) {
            for (boolean grad : new boolean[] {true, false}) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
                m.load(good);
                assertThat(ai.djl.pytorch.jni.JniUtils.isGradMode()).isEqualTo(grad);
                assertThat(m.weights()).isEqualTo(good);
                m.load(new Weights(nan));
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        }
    }

    @Test
    void trainingStepsAdvanceTheBatchNormCounters() {
        try (LungModel m = LungModel.of(SHAPE, ModelSpec.cnn3dV1().initialWeights(3))) {
            m.bridge().countTrainingSteps(5);
            Weights w = m.weights();
            for (int b = 0; b < 4; b++) assertThat(w.get("blocks." + b + ".bn.num_batches_tracked").longs()).containsExactly(5L);
        }
    }

    @Test
    void rejectsWeightsOfAnotherShapeWithAReadableMessage() {
        List<Tensor> ts = new ArrayList<>(ModelSpec.cnn3dV1().initialWeights(1).tensors());
        ts.set(0, Tensor.ofFloats("blocks.0.conv.weight", new int[] {16, 1, 3, 3}, new float[16 * 9]));
        try (LungModel m = LungModel.of(SHAPE, ModelSpec.cnn3dV1().initialWeights(1))) {
            assertThatThrownBy(() -> m.load(new Weights(ts))).isInstanceOf(UserFacingException.class)
                    .hasMessageContaining("blocks.0.conv.weight");
        }
    }
}
