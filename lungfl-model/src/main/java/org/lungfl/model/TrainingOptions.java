package org.lungfl.model;

import org.lungfl.core.plan.FederationPlan;

/**
 * How one local training run goes: the plan's training section, with the epochs given by the
 * caller (a client may be told to run a different number) and the seed that fixes shuffling and
 * augmentation.
 */
public record TrainingOptions(int epochs, int batchSize, double learningRate, double fedproxMu, boolean augment, long seed) {
    public TrainingOptions {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, not " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, not " + batchSize);
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, not " + learningRate);
        if (!(fedproxMu >= 0)) throw new IllegalArgumentException("FedProx mu must be >= 0, not " + fedproxMu);
    }

    public static TrainingOptions of(FederationPlan plan, int epochs) {
        FederationPlan.Train t = plan.train();
        return new TrainingOptions(epochs, t.batchSize(), t.learningRate(), t.fedproxMu(), t.augment(), plan.seed());
    }

    public TrainingOptions withFedproxMu(double mu) {
        return new TrainingOptions(epochs, batchSize, learningRate, mu, augment, seed);
    }

    public TrainingOptions withAugment(boolean on) {
        return new TrainingOptions(epochs, batchSize, learningRate, fedproxMu, on, seed);
    }
}
