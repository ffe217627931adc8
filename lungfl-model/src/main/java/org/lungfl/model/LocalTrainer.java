package org.lungfl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import org.lungfl.core.UserFacingException;

/**
 * Local training of a {@link LungModel}: Adam, binary cross-entropy on the logit with the positive
 * class weighted by negatives/positives (cancers are the minority), optional augmentation, and
 * the optional FedProx proximal term μ/2·‖w − w_global‖² that keeps a client near the global model
 * it started from. The next batch is read while the current one trains; every step's arrays live
 * in their own NDManager, closed at the end of the step, so memory stays flat however long it runs.
 *
 * <p>DJL's PyTorch engine allows one gradient collector per JVM at a time, so two trainings cannot
 * run concurrently in one process (simulated clients must take turns or use separate JVMs).
 */
public final class LocalTrainer {
    /** What a run did: steps taken, the mean loss of each epoch, and the positive-class weight used. */
    public record Report(long steps, double[] epochLoss, double positiveWeight, int samples) {
        public double finalLoss() {
            return epochLoss[epochLoss.length - 1];
        }
    }

    private final LungModel model;
    private final TrainingOptions options;

    public LocalTrainer(LungModel model, TrainingOptions options) {
        this.model = model;
        this.options = options;
    }

    /** Whole volumes, every one each epoch. */
    public Report train(List<LabelledVolume> data, TrainingProgress progress) {
        return train(new VolumeExamples(data, model.inputShape()), progress);
    }

    /**
     * Trains on the examples for the options' epochs. An epoch is what {@link Examples#epoch}
     * draws (for patches: the positives and a fresh sample of negatives); {@link Report#samples()}
     * is the size of one epoch, the sample count a federated update carries.
     */
    public Report train(Examples data, TrainingProgress progress) {
        if (data.size() == 0) throw new UserFacingException("no training examples");
        int[] first = data.epoch(epochSeed(0));
        int positives = 0;
        for (int i : first) positives += data.label(i);
        int negatives = first.length - positives;
        // BCEWithLogits' pos_weight: an unbalanced set trains as if both classes were equally frequent.
        double positiveWeight = positives == 0 || negatives == 0 ? 1.0 : (double) negatives / positives;
        int batchSize = Math.min(options.batchSize(), first.length);
        double[] epochLoss = new double[options.epochs()];
        long steps = 0;
        long counted = 0;

        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                .optDevices(new Device[] {Device.cpu()})
                .optOptimizer(Adam.builder().optLearningRateTracker(Tracker.fixed((float) options.learningRate())).build());
        List<Parameter> trainable = new ArrayList<>();
        for (Parameter p : model.network().parameters().values()) if (p.requiresGradient()) trainable.add(p);

        // DJL's Adam keeps its moments next to the weights, in the model's manager, where they would
        // outlive this run: remember what is there now and close anything added when done.
        NDManager modelManager = model.djlModel().getNDManager();
        Set<NDArray> before = Collections.newSetFromMap(new IdentityHashMap<>());
        before.addAll(modelManager.getManagedArrays());
        // Dropout draws from libtorch's global generator: seed it too, so a run is repeatable.
        modelManager.getEngine().setRandomSeed(Long.hashCode(options.seed()));
        try (Trainer trainer = model.djlModel().newTrainer(config);
                NDManager prox = model.djlModel().getNDManager().newSubManager();
                BatchLoader loader = new BatchLoader(data, model.inputShape(), options.augment())) {
            NDList global = options.fedproxMu() > 0 ? snapshot(trainable, prox) : null;
            int[][] order = batches(first, batchSize);
            loader.prefetch(order[0], batchSeed(0, 0));
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                double lossSum = 0;
                int seen = 0;
                int batches = order.length;
                for (int b = 0; b < batches; b++) {
                    BatchLoader.Batch batch = loader.take();
                    // Queue the next batch (possibly the next epoch's first) before computing this one.
                    if (b + 1 < batches) loader.prefetch(order[b + 1], batchSeed(epoch, b + 1));
                    else if (epoch + 1 < options.epochs()) {
                        order = batches(data.epoch(epochSeed(epoch + 1)), batchSize);
                        loader.prefetch(order[0], batchSeed(epoch + 1, 0));
                    }
                    double loss = step(trainer, batch, positiveWeight, trainable, global);
                    steps++;
                    lossSum += loss * batch.size();
                    seen += batch.size();
                    progress.onBatch(epoch + 1, b + 1, batches, loss);
                }
                epochLoss[epoch] = lossSum / seen;
                // Counted per epoch, so weights taken in epochDone carry the right num_batches_tracked.
                model.bridge().countTrainingSteps(steps - counted);
                counted = steps;
                progress.epochDone(epoch + 1, epochLoss[epoch]);
            }
        } finally {
            model.bridge().countTrainingSteps(steps - counted);
            for (NDArray a : modelManager.getManagedArrays()) if (!before.contains(a)) a.close();
        }
        return new Report(steps, epochLoss, positiveWeight, first.length);
    }

    private double step(Trainer trainer, BatchLoader.Batch batch, double positiveWeight, List<Parameter> trainable, NDList global) {
        int n = batch.size();
        try (NDManager step = model.djlModel().getNDManager().newSubManager()) {
            NDArray x = step.create(batch.volumes(), model.batchShape(n), DataType.FLOAT32);
            NDArray y = step.create(batch.labels());
            float loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray z = trainer.forward(new NDList(x)).singletonOrThrow().reshape(n);
                NDArray l = weightedBce(z, y, positiveWeight);
                collector.backward(l);
                loss = l.getFloat();
            }
            if (global != null) addProximalGradient(trainable, global, step);
            trainer.step();
            if (!Float.isFinite(loss)) throw new UserFacingException("training diverged: loss is " + loss + " (lower the learning rate)");
            return loss;
        }
    }

    /**
     * Mean of pw·y·softplus(−z) + (1 − y)·softplus(z), which is PyTorch's BCEWithLogitsLoss with
     * pos_weight pw, written with softplus(z) = softplus(−z) + z so it is stable for large |z|.
     */
    static NDArray weightedBce(NDArray z, NDArray y, double positiveWeight) {
        NDArray softplusNeg = z.neg().maximum(0).add(z.abs().neg().exp().add(1).log());
        NDArray pos = y.mul(positiveWeight).mul(softplusNeg);
        NDArray neg = y.neg().add(1).mul(softplusNeg.add(z));
        return pos.add(neg).mean();
    }

    /** Gradient of μ/2·‖w − w_global‖² is μ(w − w_global): added to each gradient before Adam's step. */
    private void addProximalGradient(List<Parameter> trainable, NDList global, NDManager step) {
        float mu = (float) options.fedproxMu();
        for (int i = 0; i < trainable.size(); i++) {
            NDArray w = trainable.get(i).getArray();
            try (NDArray grad = w.getGradient()) {
                NDArray pull = w.sub(global.get(i));
                pull.attach(step);
                grad.addi(pull.muli(mu));
            }
        }
    }

    private static NDList snapshot(List<Parameter> trainable, NDManager into) {
        NDList copies = new NDList();
        for (Parameter p : trainable) {
            NDArray c = p.getArray().duplicate();
            c.attach(into);
            copies.add(c);
        }
        return copies;
    }

    private long epochSeed(int epoch) {
        return options.seed() * 1_000_003L + epoch;
    }

    /** An epoch's examples cut into batches (the last may be short). */
    private static int[][] batches(int[] order, int batchSize) {
        int[][] out = new int[(order.length + batchSize - 1) / batchSize][];
        for (int b = 0; b < out.length; b++) {
            out[b] = java.util.Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
        }
        return out;
    }

    private long batchSeed(int epoch, int batch) {
        return Arrays.hashCode(new long[] {options.seed(), epoch, batch});
    }
}
