package org.lungfl.gui.site;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.FlClient;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.model.CachedDataset;
import org.lungfl.model.Evaluator;
import org.lungfl.model.LabelledVolume;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.TrainingOptions;
import org.lungfl.model.ValidationSplit;

/**
 * "Train locally": the site's cached patients, split as the federated cycle splits them, trained
 * from the latest global model (or the plan's initial model, version 0) for the given epochs. After
 * every epoch the validation patients are scored, so the window can draw loss and validation AUC
 * as they come. The result is an update ready to send, with the same metadata the cycle sends.
 */
public final class LocalTraining {
    public interface Listener {
        void batch(int epoch, int epochs, int batch, int batches, double loss);

        /** @param validationAuc NaN without validation patients (or with one class only) */
        void epoch(int epoch, int epochs, double meanLoss, double validationAuc);
    }

    /** The update and what the run measured. */
    public record Result(LocalUpdate update, double[] epochLoss, BinaryMetrics validation, int trainPatients, int validationPatients,
            double seconds) {}

    private LocalTraining() {}

    public static Result run(FederationPlan plan, String clientId, GlobalModel start, SiteFolder site, int epochs, Listener listener,
            StopSignal stop) {
        if (epochs < 1) throw new UserFacingException("epochs must be at least 1, not " + epochs);
        List<LabelledVolume> all = CachedDataset.read(site.cache(), plan);
        ValidationSplit split = ValidationSplit.of(all, plan.train().validationFraction(), plan.seed());
        if (split.train().isEmpty()) throw new UserFacingException("no training patients left after the validation split (" + all.size() + " imported)");
        long base = start == null ? 0 : start.version();
        FederationPlan.Train t = plan.train();
        // As the federated cycle seeds it: a different shuffle per version and per site.
        long seed = plan.seed() * 1_000_003L + base * 7919L + clientId.hashCode();
        TrainingOptions options = new TrainingOptions(epochs, t.batchSize(), t.learningRate(), t.fedproxMu(), t.augment(), seed);
        var cpu = FederatedTrainingCycle.computeLock();
        cpu.lock();
        try (LungModel model = LungModel.of(plan, start == null ? plan.initialWeights() : start.weights())) {
            long t0 = System.nanoTime();
            BinaryMetrics[] lastValidation = new BinaryMetrics[1];
            double[] sum = new double[1];
            int n = split.train().size(), batchSize = Math.min(t.batchSize(), n);
            LocalTrainer.Report report = new LocalTrainer(model, options).train(split.train(), (epoch, batch, batches, loss) -> {
                stop.check();
                listener.batch(epoch, epochs, batch, batches, loss);
                // the epoch's loss as LocalTrainer reports it: batch losses weighted by batch size (the last one may be short)
                sum[0] += loss * (batch < batches ? batchSize : n - (batches - 1) * batchSize);
                if (batch == batches) {
                    // Scored between two steps of the same trainer: inference mode, running BatchNorm statistics, no gradients.
                    lastValidation[0] = split.validation().isEmpty() ? null
                            : Evaluator.evaluate(model, split.validation(), t.batchSize()).metrics();
                    listener.epoch(epoch, epochs, sum[0] / n, lastValidation[0] == null ? Double.NaN : lastValidation[0].auc());
                    sum[0] = 0;
                }
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            String updateId = "gui-" + UUID.randomUUID();
            var record = new FederatedTrainingCycle.RoundRecord(1, base, updateId, split.train().size(), report.finalLoss(), lastValidation[0],
                    seconds, Instant.now());
            byte[] bytes = SafeTensors.write(model.weights(), FlClient.metadata(clientId, new FlClient.Update(updateId, split.train().size(), base,
                    plan.fingerprint(), FederatedTrainingCycle.metricsJson(record))));
            LocalUpdate update = LocalUpdate.of(bytes, "local model");
            site.saveLocal(update);
            return new Result(update, report.epochLoss(), lastValidation[0], split.train().size(), split.validation().size(), seconds);
        } finally {
            cpu.unlock();
        }
    }
}
