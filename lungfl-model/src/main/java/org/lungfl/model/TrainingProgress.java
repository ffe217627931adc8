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

    TrainingProgress NONE = (e, b, n, l) -> {};
}
