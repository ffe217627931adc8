package org.lungfl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;
import org.lungfl.model.Cohort;
import org.lungfl.model.Examples;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.TrainingOptions;
import org.lungfl.model.TrainingProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the plan's model on a dataset cache, locally or centralised.",
            "Centralised training is the baseline federated results are compared with. A stratified, seeded share of "
                + "the patients (the plan's train.validation_fraction) is held out and scored after every epoch; the "
                + "epoch that scores best is the one written."})
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "CACHE",
            description = "Dataset cache made by 'lungfl dataset import'; repeat it to pool several (each is split on its own).")
    List<Path> data;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the plan's train.epochs_per_round).")
    Integer epochs;

    @Option(names = "--init", paramLabel = "MODEL", description = "Start from these weights (default: the plan's initial weights).")
    Path init;

    @Option(names = "--out", required = true, paramLabel = "MODEL.safetensors", description = "Where to write the trained weights.")
    Path out;

    @Option(names = "--last", description = "Write the last epoch's weights instead of those of the epoch with the best validation AUC.")
    boolean last;

    @Override
    public Integer call() {
        FederationPlan p = FederationPlan.load(plan);
        int n = epochs == null ? p.train().epochsPerRound() : epochs;
        if (n < 1 || n > 10_000) throw new ParameterException(spec.commandLine(), "--epochs must be in 1..10000, got " + n);
        Cohort.Split split = null;
        for (Path cache : data) {
            Cohort.Split s = Cohort.read(cache, p).split();
            split = split == null ? s : new Cohort.Split(split.train().plus(s.train()), split.validation().plus(s.validation()));
        }
        Examples examples = split.train().trainingExamples();
        Weights start = init == null ? p.initialWeights() : ModelFiles.read(init, p);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("training on %d patients (%d cancer), validating on %d, %d epochs, batch %d%s%n", split.train().size(),
                split.train().cancers(), split.validation().size(), n, p.train().batchSize(),
                p.lesionCentred() ? String.format(Locale.ROOT, "; %d patches (%d positive)", examples.size(), positives(examples)) : "");
        w.flush();
        Cohort validation = split.validation();
        try (LungModel model = LungModel.of(p, start)) {
            ProgressBar bar = new ProgressBar(System.err, "train", ProgressBar.stderrIsTerminal());
            BestEpoch best = new BestEpoch();
            LocalTrainer.Report r = new LocalTrainer(model, TrainingOptions.of(p, n)).train(examples, new TrainingProgress() {
                @Override public void onBatch(int epoch, int batch, int batches, double loss) {
                    bar.training(epoch, n, batch, batches, loss);
                }

                @Override public void epochDone(int epoch, double loss) {
                    Cohort.Evaluation v = validation.isEmpty() ? null : validation.evaluate(model);
                    bar.clear();
                    w.printf(Locale.ROOT, "epoch %d: loss %.4f%s%n", epoch, loss, v == null ? "" : ", validation " + summary(v));
                    w.flush();
                    if (v != null) best.offer(epoch, v.patients().auc(), model);
                }
            });
            bar.clear();
            Weights chosen = last || best.weights == null ? model.weights() : best.weights;
            ModelFiles.write(out, chosen, p);
            w.printf(Locale.ROOT, "wrote %s: %s (%d steps, positive-class weight %.2f)%n", out,
                    chosen == best.weights ? "epoch " + best.epoch + " of " + n + ", the best by validation AUC" : "the last epoch",
                    r.steps(), r.positiveWeight());
            if (!validation.isEmpty()) {
                model.load(chosen);
                Cohort.Evaluation v = validation.evaluate(model);
                w.print(EvaluateCommand.describe("validation", v.patients()));
                if (v.candidates() != null) w.print(EvaluateCommand.describe("validation candidates", v.candidates()));
            }
        }
        w.flush();
        return 0;
    }

    static String summary(Cohort.Evaluation v) {
        return String.format(Locale.ROOT, "AUC %.3f", v.patients().auc())
                + (v.candidates() == null ? "" : String.format(Locale.ROOT, ", candidate AUC %.3f", v.candidates().auc()));
    }

    private static int positives(Examples e) {
        int n = 0;
        for (int i = 0; i < e.size(); i++) n += e.label(i);
        return n;
    }

    /** The epoch with the highest validation AUC so far and a copy of its weights (ties: the earlier). */
    static final class BestEpoch {
        int epoch;
        double auc = Double.NEGATIVE_INFINITY;
        Weights weights;

        void offer(int epoch, double auc, LungModel model) {
            if (auc > this.auc) {
                this.epoch = epoch;
                this.auc = auc;
                this.weights = model.weights();
            }
        }
    }
}
