package org.lungfl.gui.site;

import java.time.Instant;
import java.util.UUID;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.FlClient;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.model.Cohort;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.TrainingOptions;
import org.lungfl.model.TrainingProgress;

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
        Cohort all = Cohort.read(site.cache(), plan);
        Cohort.Split split = all.split();
        if (split.train().isEmpty()) throw new UserFacingException("no training patients left after the validation split (" + all.size() + " imported)");
        String why = split.train().whyNotTrainable();
        if (why != null) throw new UserFacingException("cannot train here: " + why);
        long base = start == null ? 0 : start.version();
        FederationPlan.Train t = plan.train();
        // As the federated cycle seeds it: a different shuffle per version and per site.
        long seed = plan.seed() * 1_000_003L + base * 7919L + clientId.hashCode();
        TrainingOptions options = new TrainingOptions(epochs, t.batchSize(), t.learningRate(), t.fedproxMu(), t.augment(), seed);
        var cpu = FederatedTrainingCycle.computeLock();
        cpu.lock();
        try (LungModel model = LungModel.of(plan, start == null ? plan.initialWeights() : start.weights())) {
            long t0 = System.nanoTime();
            Cohort.Evaluation[] lastValidation = new Cohort.Evaluation[1];
            LocalTrainer.Report report = new LocalTrainer(model, options).train(split.train().trainingExamples(), new TrainingProgress() {
                @Override public void onBatch(int epoch, int batch, int batches, double loss) {
                    stop.check();
                    listener.batch(epoch, epochs, batch, batches, loss);
                }

                @Override public void epochDone(int epoch, double meanLoss) {
                    // Scored between two epochs of the same trainer: inference mode, running BatchNorm statistics, no gradients.
                    lastValidation[0] = split.validation().isEmpty() ? null : split.validation().evaluate(model);
                    listener.epoch(epoch, epochs, meanLoss, lastValidation[0] == null ? Double.NaN : lastValidation[0].patients().auc());
                }
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            String updateId = "gui-" + UUID.randomUUID();
            Cohort.Evaluation v = lastValidation[0];
            var record = new FederatedTrainingCycle.RoundRecord(1, base, updateId, report.samples(), report.finalLoss(),
                    v == null ? null : v.patients(), v == null ? null : v.candidates(), Double.NaN, seconds, Instant.now());
            byte[] bytes = SafeTensors.write(model.weights(), FlClient.metadata(clientId, new FlClient.Update(updateId, report.samples(), base,
                    plan.fingerprint(), FederatedTrainingCycle.metricsJson(record))));
            LocalUpdate update = LocalUpdate.of(bytes, "local model");
            site.saveLocal(update);
            return new Result(update, report.epochLoss(), v == null ? null : v.patients(), split.train().size(), split.validation().size(), seconds);
        } finally {
            cpu.unlock();
        }
    }
}
