package org.lungfl.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

class WeightRulesTest {
    private static final Weights INIT = ModelSpec.cnn3dV1().initialWeights(42);

    private static Weights with(Tensor replacement) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : INIT.tensors()) out.add(t.name().equals(replacement.name()) ? replacement : t);
        return new Weights(out);
    }

    @Test
    void theInitialisationIsValid() {
        assertThat(WeightRules.check(INIT)).isNull();
    }

    @Test
    void refusesWhatNoTrainingProduces() {
        float[] var = {1f, 0f, -0.5f, 1f};
        String name = "blocks.0.bn.running_var";
        float[] full = new float[16];
        java.util.Arrays.fill(full, 1f);
        System.arraycopy(var, 0, full, 0, 4);
        assertThat(WeightRules.check(with(Tensor.ofFloats(name, new int[] {16}, full))))
                .isEqualTo("tensor 'blocks.0.bn.running_var' holds the negative variance -0.5 at index 2; a BatchNorm running variance is >= 0");
        // A zero variance is what a constant channel gives: allowed.
        full[2] = 0f;
        assertThat(WeightRules.check(with(Tensor.ofFloats(name, new int[] {16}, full)))).isNull();
        // Other tensors may be negative, but never non-finite.
        float[] bias = new float[64];
        bias[5] = -3f;
        assertThat(WeightRules.check(with(Tensor.ofFloats("fc1.bias", new int[] {64}, bias)))).isNull();
        bias[9] = Float.NaN;
        assertThat(WeightRules.check(with(Tensor.ofFloats("fc1.bias", new int[] {64}, bias)))).contains("'fc1.bias' holds NaN at index 9");

        String counter = "blocks.3.bn.num_batches_tracked";
        assertThat(WeightRules.check(with(Tensor.ofLongs(counter, new int[] {}, new long[] {Long.MAX_VALUE}))))
                .contains("'blocks.3.bn.num_batches_tracked' holds 9223372036854775807").contains("[0, 1000000000000]");
        assertThat(WeightRules.check(with(Tensor.ofLongs(counter, new int[] {}, new long[] {-1})))).contains("holds -1");
        assertThat(WeightRules.check(with(Tensor.ofLongs(counter, new int[] {}, new long[] {WeightRules.MAX_BATCHES_TRACKED})))).isNull();
    }

    @Test
    void rulesFollowTheRoleNotOneArchitecture() {
        // A slice in the middle of another model's tensor: the index is the tensor's, not the slice's.
        assertThat(WeightRules.checkFloats("features.7.norm.running_var", new float[] {1f, -1f}, 2, 1000)).contains("index 1001");
        assertThat(WeightRules.checkFloats("features.7.norm.running_var", new float[] {1f, -1f}, 1, 1000)).isNull();
        assertThat(WeightRules.checkLongs("head.bn.num_batches_tracked", new long[] {-5}, 1, 0)).contains("holds -5");
        assertThat(WeightRules.checkLongs("some_other_counter", new long[] {-5}, 1, 0)).isNull();
    }
}
