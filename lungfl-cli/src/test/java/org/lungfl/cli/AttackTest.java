package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lungfl.core.model.WeightRules;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

class AttackTest {
    private static Weights weights(float[] w, float[] var) {
        return new Weights(List.of(Tensor.ofFloats("conv.weight", new int[] {w.length}, w), Tensor.ofFloats("bn.running_var", new int[] {var.length}, var)));
    }

    @Test
    void weightAttacksChangeTheDeltaAndKeepTheUpdateValidForTheServer() {
        Weights global = weights(new float[] {0f, 1f, -1f, 2f}, new float[] {1f, 1f, 1f, 1f});
        Weights trained = weights(new float[] {0.5f, 1f, -2f, 2f}, new float[] {2f, 0.5f, 1f, 3f});
        List<String> aggregated = List.of("conv.weight", "bn.running_var");

        Weights scaled = Attack.SCALING.apply(global, trained, aggregated, new Random(1));
        assertThat(scaled.get("conv.weight").floats()).containsExactly(-5f, 1f, 9f, 2f);
        // 1 − 10·(2 − 1) and 1 − 10·(3 − 1) would be negative variances, which the server refuses: sent as 0.
        assertThat(scaled.get("bn.running_var").floats()).containsExactly(0f, 6f, 1f, 0f);
        assertThat(WeightRules.check(scaled)).isNull();

        Weights flipped = Attack.SIGN_FLIP.apply(global, trained, aggregated, new Random(1));
        assertThat(flipped.get("conv.weight").floats()).containsExactly(-0.5f, 1f, 0f, 2f);
        assertThat(flipped.get("bn.running_var").floats()).containsExactly(0f, 1.5f, 1f, 0f);

        Weights noise = Attack.NOISE.apply(global, trained, aggregated, new Random(1));
        assertThat(Attack.deltaNorm(noise, global, aggregated)).isGreaterThan(0).isLessThanOrEqualTo(Attack.deltaNorm(trained, global, aggregated) + 1e-6);
        assertThat(WeightRules.check(noise)).isNull();
        assertThat(Attack.LABEL_FLIP.apply(global, trained, aggregated, new Random(1))).isSameAs(trained);
    }
}
