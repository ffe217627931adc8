package org.lungfl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.lungfl.client.Failover;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.FlClient;
import org.lungfl.client.LocalData;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.BinaryMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Take part in a federation from this hospital's DICOM archive.",
            "Imports the local DICOM archive with the server's plan, then for each round downloads the global model, "
                + "trains on the local patients, validates, uploads the weights and waits for the next global model. "
                + "Only weights and aggregate metrics leave the site. Rides out server restarts and fails over to "
                + "--backup servers; Ctrl-C stops after the current step and a restart goes on where it stopped (an "
                + "unsent update is sent first, never twice).",
            "Writes OUT/rounds.csv, OUT/local-model.safetensors, OUT/global-model.safetensors and "
                + "OUT/best-global-model.safetensors (the global model that scored best on the local validation patients)."},
        subcommands = {ClientStatusCommand.class})
final class ClientCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ServerOptions servers;

    @Option(names = "--data", paramLabel = "DICOM_DIR", description = "The local archive: one folder per patient.")
    Path data;

    @Option(names = "--labels", paramLabel = "CSV", description = "Labels: 'id,cancer' (id = folder name) or 'PatientID,label'.")
    Path labels;

    @Option(names = "--annotations", paramLabel = "CSV",
            description = "Nodule annotations (nodules.csv or LUNA16's annotations.csv layout); a lesion-centred plan trains on them.")
    Path annotations;

    @Option(names = "--out", defaultValue = "lungfl-site", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", description = "Dataset cache, reused across runs (default: OUT/cache).")
    Path cache;

    @Option(names = "--rounds", defaultValue = "10", paramLabel = "R", description = "Rounds to take part in (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--epochs", paramLabel = "N", description = "Local epochs per round (default: the plan's epochs_per_round).")
    Integer epochs;

    @Option(names = "--round-timeout", defaultValue = "60", paramLabel = "MINUTES",
            description = "Give up when no new global model comes within this many minutes of an upload (default: ${DEFAULT-VALUE}).")
    long roundTimeoutMinutes;

    @Option(names = "--threads", paramLabel = "N", description = "Import threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws InterruptedException {
        if (data == null || labels == null) throw new UserFacingException("give the local data: --data DICOM_DIR --labels CSV");
        if (rounds < 1) throw new UserFacingException("--rounds must be at least 1, not " + rounds);
        if (epochs != null && epochs < 1) throw new UserFacingException("--epochs must be at least 1, not " + epochs);
        if (roundTimeoutMinutes < 1) throw new UserFacingException("--round-timeout must be at least 1 minute");
        StopSignal stop = new StopSignal();
        FlClient client = servers.connect(Failover.UNATTENDED, stop);
        PrintWriter w = spec.commandLine().getOut();
        var source = new LocalData.Source(data, labels, annotations, cache == null ? out.resolve("cache") : cache);
        var options = new FederatedTrainingCycle.Options(source, out, epochs,
                Duration.ofMinutes(roundTimeoutMinutes), Duration.ofSeconds(5), threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.raise();
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lungfl-client-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            var cycle = new FederatedTrainingCycle(client, options, stop, new Printer(w, rounds));
            FederatedTrainingCycle.Result r = cycle.trainFederated(rounds);
            w.printf("%s %d round(s); latest global version %d; results in %s (rounds.csv, local-model.safetensors, global-model.safetensors)%n",
                    r.stopped() ? "stopped after" : "finished", r.roundsCompleted(), r.lastGlobalVersion(), out);
            w.flush();
            return 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for the countDown above
            }
        }
    }

    /** One line per event on stdout, training progress on stderr. */
    static final class Printer implements FederatedTrainingCycle.Listener {
        private final PrintWriter w;
        private final int rounds;
        private ProgressBar bar;
        private ProgressBar importBar;

        Printer(PrintWriter w, int rounds) {
            this.w = w;
            this.rounds = rounds;
        }

        @Override public void message(String line) {
            w.println(line);
            w.flush();
        }

        @Override public void importProgress(int done, int total) {
            if (importBar == null) importBar = new ProgressBar(System.err, "import", ProgressBar.stderrIsTerminal());
            importBar.update(done, total, done, "patients");
        }

        @Override public void trainingProgress(int round, int epoch, int epochs, int batch, int batches, double loss) {
            if (epoch == 1 && batch == 1) bar = new ProgressBar(System.err, "round " + round + " training", ProgressBar.stderrIsTerminal());
            if (bar != null) bar.training(epoch, epochs, batch, batches, loss);
        }

        @Override public void roundDone(FederatedTrainingCycle.RoundRecord r, long v) {
            BinaryMetrics m = r.validation();
            w.printf(Locale.ROOT, "round %d/%d: trained on %d examples from version %d (loss %.4f, %.0f s), validation AUC %s; global version now %d%n",
                    r.round(), rounds, r.trainSamples(), r.baseVersion(), r.trainLoss(), r.trainSeconds(),
                    m == null || Double.isNaN(m.auc()) ? "n/a" : String.format(Locale.ROOT, "%.3f", m.auc()), v);
            w.flush();
        }
    }
}
