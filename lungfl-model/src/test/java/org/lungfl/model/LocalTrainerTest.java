package org.lungfl.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.model.ModelSpec;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

class LocalTrainerTest {
    static final int[] SHAPE = SyntheticVolumes.SHAPE;
    @TempDir static Path dir;
    static List<LabelledVolume> train;
    static List<LabelledVolume> heldOut;

    @BeforeAll
    static void data() {
        train = SyntheticVolumes.write(dir, "train", 48, 11);
        heldOut = SyntheticVolumes.write(dir, "test", 24, 12);
    }

    static TrainingOptions options(int epochs) {
        return new TrainingOptions(epochs, 8, 1e-3, 0, true, 5);
    }

    @Test
    void learnsToFindTheBlobOnHeldOutVolumes() {
        Weights init = ModelSpec.cnn3dV1().initialWeights(1);
        try (LungModel m = LungModel.of(SHAPE, init)) {
            double before = Evaluator.evaluate(m, heldOut, 8).metrics().logLoss();
            LocalTrainer.Report r = new LocalTrainer(m, options(5)).train(train, TrainingProgress.NONE);
            Evaluator.Result after = Evaluator.evaluate(m, heldOut, 8);
            System.out.printf("synthetic blob task: epoch losses %s, held-out AUC %.3f, log loss %.3f -> %.3f%n",
                    java.util.Arrays.toString(r.epochLoss()), after.metrics().auc(), before, after.metrics().logLoss());
            assertThat(r.steps()).isEqualTo(5 * 6);
            assertThat(r.finalLoss()).isLessThan(r.epochLoss()[0]);
            assertThat(after.metrics().auc()).isGreaterThan(0.85);
            assertThat(after.predictions()).hasSize(24);
            assertThat(m.weights().get("blocks.2.bn.num_batches_tracked").longs()).containsExactly(30L);
        }
    }

    @Test
    void theSameInputsAndSeedGiveTheSameWeightsAndAnotherSeedDoesNot() {
        // Shuffle, augmentation and dropout are all seeded: a hospital can repeat a round exactly.
        Weights init = ModelSpec.cnn3dV1().initialWeights(4);
        List<Weights> out = new ArrayList<>();
        for (long seed : new long[] {5, 5, 6}) {
            try (LungModel m = LungModel.of(SHAPE, init)) {
                new LocalTrainer(m, new TrainingOptions(1, 8, 1e-3, 0, true, seed)).train(train.subList(0, 16), TrainingProgress.NONE);
                out.add(m.weights());
            }
        }
        assertThat(out.get(1)).isEqualTo(out.get(0));
        assertThat(out.get(2)).isNotEqualTo(out.get(0));
    }

    @Test
    void liveArrayCountDoesNotGrowAcrossEpochs() {
        List<Integer> live = new ArrayList<>();
        try (LungModel m = LungModel.of(SHAPE, ModelSpec.cnn3dV1().initialWeights(2))) {
            int idle = m.djlModel().getNDManager().getManagedArrays().size();
            for (int round = 0; round < 2; round++) {
                new LocalTrainer(m, options(3)).train(train.subList(0, 16), (epoch, batch, batches, loss) -> {
                    if (batch == batches) live.add(m.djlModel().getNDManager().getManagedArrays().size());
                });
                // A finished run leaves nothing behind (a client trains the same model round after round).
                assertThat(m.djlModel().getNDManager().getManagedArrays()).hasSize(idle);
            }
        }
        assertThat(live).hasSize(6);
        // The first epoch creates Adam's moment arrays; after that nothing may accumulate.
        assertThat(live.subList(1, 3)).containsOnly(live.get(1));
        assertThat(live.subList(4, 6)).containsOnly(live.get(1));
    }

    @Test
    void fedProxKeepsWeightsCloserToTheGlobalModel() {
        Weights global = ModelSpec.cnn3dV1().initialWeights(3);
        double free = distanceAfterTraining(global, 0);
        double proximal = distanceAfterTraining(global, 5.0);
        System.out.printf("distance from w_global: mu=0 %.4f, mu=5 %.4f%n", free, proximal);
        assertThat(proximal).isLessThan(free * 0.8);
    }

    private static double distanceAfterTraining(Weights global, double mu) {
        try (LungModel m = LungModel.of(SHAPE, global)) {
            new LocalTrainer(m, options(3).withFedproxMu(mu)).train(train.subList(0, 16), TrainingProgress.NONE);
            return distance(m.weights(), global);
        }
    }

    /** Euclidean distance over the learnable tensors (not BatchNorm running statistics). */
    static double distance(Weights a, Weights b) {
        double s = 0;
        for (Tensor t : a.tensors()) {
            if (t.name().contains("running") || t.name().endsWith("num_batches_tracked")) continue;
            float[] x = t.floats(), y = b.get(t.name()).floats();
            for (int i = 0; i < x.length; i++) s += (x[i] - y[i]) * (double) (x[i] - y[i]);
        }
        return Math.sqrt(s);
    }
}
