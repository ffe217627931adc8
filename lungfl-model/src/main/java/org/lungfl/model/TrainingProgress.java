package org.lungfl.model;

/** Told after every training step; the CLI draws a progress bar from it, the GUI a chart. */
@FunctionalInterface
public interface TrainingProgress {
    /**
     * @param epoch 1-based epoch
     * @param batch 1-based batch within the epoch
     * @param batchesPerEpoch number of batches in every epoch
     * @param loss this batch's mean class-weighted binary cross-entropy
     */
    void onBatch(int epoch, int batch, int batchesPerEpoch, double loss);

    /**
     * After each epoch, while the trainer is still open: the model may be evaluated here (the
     * best epoch by validation is what {@code lungfl train} keeps).
     */
    default void epochDone(int epoch, double meanLoss) {}

    TrainingProgress NONE = (e, b, n, l) -> {};
}
