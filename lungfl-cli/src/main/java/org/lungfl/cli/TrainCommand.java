package org.lungfl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;
import org.lungfl.model.CachedDataset;
import org.lungfl.model.Evaluator;
import org.lungfl.model.LabelledVolume;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.TrainingOptions;
import org.lungfl.model.ValidationSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the plan's model on a dataset cache, locally or centralised.",
            "Centralised training is the baseline federated results are compared with. A stratified, seeded share of "
                + "the patients (plan train.validation_fraction) is held out and scored at the end."})
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "CACHE", description = "Dataset cache made by 'lungfl dataset import'.")
    Path data;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the plan's train.epochs_per_round).")
    Integer epochs;

    @Option(names = "--init", paramLabel = "MODEL", description = "Start from these weights (default: the plan's initial weights).")
    Path init;

    @Option(names = "--out", required = true, paramLabel = "MODEL.safetensors", description = "Where to write the trained weights.")
    Path out;

    @Override
    public Integer call() {
        FederationPlan p = FederationPlan.load(plan);
        int n = epochs == null ? p.train().epochsPerRound() : epochs;
        if (n < 1 || n > 10_000) throw new ParameterException(spec.commandLine(), "--epochs must be in 1..10000, got " + n);
        List<LabelledVolume> all = CachedDataset.read(data, p);
        ValidationSplit split = ValidationSplit.of(all, p.train().validationFraction(), p.seed());
        Weights start = init == null ? p.initialWeights() : ModelFiles.read(init, p);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("training on %d patients (%d cancer), validating on %d, %d epochs, batch %d%n", split.train().size(),
                split.train().stream().filter(v -> v.label() == 1).count(), split.validation().size(), n, p.train().batchSize());
        w.flush();
        try (LungModel model = LungModel.of(p, start)) {
            ProgressBar bar = new ProgressBar(System.err, "train", ProgressBar.stderrIsTerminal());
            int batchSize = Math.min(p.train().batchSize(), split.train().size());
            LocalTrainer.Report r = new LocalTrainer(model, TrainingOptions.of(p, n)).train(split.train(),
                    (epoch, batch, batches, loss) -> {
                        int done = (epoch - 1) * batches + batch;
                        long volumes = Math.min((long) done * batchSize, (long) epoch * split.train().size());
                        bar.update(done, n * batches, volumes, "volumes");
                    });
            for (int e = 0; e < r.epochLoss().length; e++) w.printf(Locale.ROOT, "epoch %d: loss %.4f%n", e + 1, r.epochLoss()[e]);
            ModelFiles.write(out, model.weights(), p);
            w.printf(Locale.ROOT, "wrote %s (%d steps, positive-class weight %.2f)%n", out, r.steps(), r.positiveWeight());
            if (!split.validation().isEmpty()) {
                Evaluator.Result v = Evaluator.evaluate(model, split.validation(), p.train().batchSize());
                w.print(EvaluateCommand.describe("validation", v.metrics()));
            }
        }
        w.flush();
        return 0;
    }
}
