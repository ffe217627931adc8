package org.lungfl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.lungfl.client.Failover;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.FlClient;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.AucInterval;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;
import org.lungfl.dicom.dataset.CandidateRecall;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.model.Cohort;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.TrainingOptions;
import org.lungfl.model.TrainingProgress;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;
import org.lungfl.server.TokenStore;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run federated learning end to end on one machine, with synthetic CT.",
            "Synthetic CT from several hospitals (made once, kept in OUT/data), a real server on a loopback port, one "
                + "client per hospital, R rounds of FedAvg, then the same training centralised on the pooled patients for "
                + "comparison. Prints a table per round and writes the chosen global model and a report with plots to OUT."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    /**
     * Rounds of the plan's 4 local epochs: 40 epochs in all, where centralised training on the demo
     * set levels out (candidate AUC 0.95, docs/model.md).
     */
    static final int DEFAULT_ROUNDS = 10;

    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "lungfl-demo", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--rounds", defaultValue = "" + DEFAULT_ROUNDS, paramLabel = "R", description = "Federated rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--sites", defaultValue = "3", paramLabel = "N", description = "Hospitals (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--patients-per-site", defaultValue = "40", paramLabel = "N", description = "Patients per hospital (default: ${DEFAULT-VALUE}).")
    int patientsPerSite;

    @Option(names = "--test-patients", defaultValue = "100", paramLabel = "N", description = "Held-out test patients (default: ${DEFAULT-VALUE}).")
    int testPatients;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|whole-volume|FILE",
            description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--small", description = "Tiny synthetic studies (for tests; the model learns little from them).")
    boolean small;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    /**
     * One global version as the demo saw it: the sites' own sample-weighted mean validation AUC
     * (reported with their updates), and the version's AUC on the pooled validation patients of all
     * sites (what picks the model), on the test patients, and per candidate on the test patients.
     */
    record Row(long version, int contributors, long samples, double meanLocalValidationAuc, double validationAuc, double testAuc,
            double testCandidateAuc) {}

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) throw new UserFacingException("--rounds must be at least 1, not " + rounds);
        if (sites < 1) throw new UserFacingException("--sites must be at least 1, not " + sites);
        if (testPatients < 2) throw new UserFacingException("--test-patients must be at least 2, not " + testPatients);
        long t0 = System.nanoTime();
        PrintWriter w = spec.commandLine().getOut();
        PrintStream err = System.err;
        FederationPlan p = FederationPlan.load(plan);
        quietServerLog();
        Path data = out.resolve("data");
        generateData(data, w);

        // A fresh federation every run; the synthetic data and the dataset caches are kept.
        for (String d : List.of("server", "sites")) deleteTree(out.resolve(d));
        Path cache = out.resolve("cache");
        List<String> siteNames = new ArrayList<>();
        for (int k = 1; k <= sites; k++) siteNames.add("site-" + k);
        DemoData imported = DemoData.importAll(p, data, cache, siteNames, w);
        Cohort test = imported.test();
        Cohort validation = imported.validation();
        Cohort pooledTrain = imported.train();
        CandidateRecall recall = p.lesionCentred() ? CandidateRecall.of(Manifest.read(cache.resolve(SynthDataset.TEST_SITE)).patients().values(),
                p.candidates().topK(), p.patch().matchMm()) : null;
        if (recall != null) {
            w.printf(Locale.ROOT, "candidates on the test set: %s of malignant nodules >= 8 mm and %s found; oracle AUC %.3f%n",
                    percent(recall.atLeast8mm()), percent(recall.bands().get(0)), recall.oracleAuc());
        }
        double importSeconds = (System.nanoTime() - t0) / 1e9;

        Path serverDir = out.resolve("server");
        Files.createDirectories(serverDir);
        TokenStore tokens = new TokenStore(serverDir);
        List<String> siteTokens = new ArrayList<>();
        for (String site : siteNames) siteTokens.add(tokens.add(site, false));
        String monitorToken = tokens.add("demo-monitor", true);
        ServerConfig config = ServerConfig.defaults(serverDir, p).withHostPort("127.0.0.1", 0).withCapacity(sites).withRetention(rounds + 2);
        List<Row> rows = new ArrayList<>();
        java.util.TreeMap<Long, JsonNode> privacy = new java.util.TreeMap<>();
        try (LungflServer server = LungflServer.start(config)) {
            w.printf("server %s (plan '%s', %d sites, K = %d); clients train one at a time on this machine's %d cores%n", server.url(), p.name(),
                    sites, sites, Runtime.getRuntime().availableProcessors());
            w.flush();
            StopSignal stop = new StopSignal();
            ReentrantLock cpu = FederatedTrainingCycle.computeLock();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int k = 0; k < sites; k++) {
                String site = siteNames.get(k);
                FlClient c = new FlClient(List.of(URI.create(server.url())), siteTokens.get(k), site, null, Duration.ofMinutes(5),
                        Failover.UNATTENDED, stop);
                var o = new FederatedTrainingCycle.Options(DemoData.source(data, cache, site), out.resolve("sites").resolve(site), null,
                        Duration.ofMinutes(30), Duration.ofSeconds(1), 1);
                var cycle = new FederatedTrainingCycle(c, o, stop, new SiteListener(site, err));
                Thread t = new Thread(() -> {
                    try {
                        FederatedTrainingCycle.Result r = cycle.trainFederated(rounds);
                        if (r.roundsCompleted() != rounds) failures.add(new UserFacingException(site + " completed only " + r.roundsCompleted() + " rounds"));
                    } catch (Throwable e) {
                        failures.add(e);
                        stop.raise();
                    }
                }, "demo-" + site);
                t.setDaemon(true);
                clients.add(t);
                t.start();
            }
            FlClient monitor = new FlClient(List.of(URI.create(server.url())), monitorToken, "demo-monitor", null, Duration.ofMinutes(5),
                    Failover.UNATTENDED, new StopSignal());
            w.println();
            w.println("version | contributors | samples | sites' mean validation AUC | pooled validation AUC | test AUC | test candidate AUC");
            w.println("--------|--------------|---------|----------------------------|-----------------------|----------|-------------------");
            try (LungModel model = LungModel.of(p, p.initialWeights())) {
                rows.add(printRow(w, row(0, 0, 0, Double.NaN, model, validation, test, cpu)));
                long seen = 0;
                while (seen < rounds) {
                    if (!failures.isEmpty()) break;
                    JsonNode history = monitor.history();
                    boolean progressed = false;
                    for (JsonNode round : history.path("rounds")) {
                        long v = round.path("version").asLong();
                        if (v <= seen) continue;
                        if (round.path("privacy").isObject()) privacy.put(v, round.path("privacy"));
                        model.load(monitor.download(v).weights());
                        rows.add(printRow(w, row(v, round.path("contributors").asInt(), round.path("samples").asLong(),
                                round.path("validation").path("metrics").path("val_auc").asDouble(Double.NaN), model, validation, test, cpu)));
                        seen = v;
                        progressed = true;
                    }
                    if (!progressed) Thread.sleep(300);
                }
            }
            for (Thread t : clients) t.join();
            if (!failures.isEmpty()) {
                Throwable f = failures.get(0);
                throw f instanceof UserFacingException u ? u : new UserFacingException("a demo client failed: " + Main.oneLine(f), f);
            }
            Row best = bestByValidation(rows);
            Weights chosen = monitor.download(best.version()).weights();
            ModelFiles.write(out.resolve("global-model.safetensors"), chosen, p);
            w.printf(Locale.ROOT, "%nfederated model: global version %d, the best on the pooled validation patients (AUC %.3f)%n",
                    best.version(), best.validationAuc());
            if (!privacy.isEmpty()) {
                // What the federation spent is the privacy loss of every version it published, not only the chosen one's.
                var last = privacy.lastEntry();
                w.printf(Locale.ROOT, "differential privacy (DP-FedAvg): epsilon %.2f for delta %.0e after global version %d, the last published%n",
                        last.getValue().path("epsilon").asDouble(), last.getValue().path("delta").asDouble(), last.getKey());
            }
        }
        double fedSeconds = (System.nanoTime() - t0) / 1e9 - importSeconds;
        Row fed = bestByValidation(rows);

        // The baseline: the same training patients pooled in one place, the same number of epochs, chosen the same way.
        int epochs = rounds * p.train().epochsPerRound();
        w.printf("%ncentralised baseline: %d pooled training patients, %d epochs (= %d rounds x %d epochs per round)%n", pooledTrain.size(),
                epochs, rounds, p.train().epochsPerRound());
        w.flush();
        Cohort.Evaluation central;
        int centralEpoch;
        try (LungModel model = LungModel.of(p, p.initialWeights())) {
            ProgressBar bar = new ProgressBar(err, "centralised training", ProgressBar.stderrIsTerminal());
            TrainCommand.BestEpoch bestEpoch = new TrainCommand.BestEpoch();
            new LocalTrainer(model, TrainingOptions.of(p, epochs)).train(pooledTrain.trainingExamples(), new TrainingProgress() {
                @Override public void onBatch(int epoch, int batch, int batches, double loss) {
                    bar.training(epoch, epochs, batch, batches, loss);
                }

                @Override public void epochDone(int epoch, double loss) {
                    bestEpoch.offer(epoch, validation.isEmpty() ? epoch : validation.evaluate(model).patients().auc(), model);
                }
            });
            bar.clear();
            centralEpoch = bestEpoch.epoch;
            model.load(bestEpoch.weights);
            ModelFiles.write(out.resolve("centralised-model.safetensors"), bestEpoch.weights, p);
            central = test.evaluate(model);
        }
        AucInterval fedAuc = AucInterval.of(fed.testAuc(), test.cancers(), test.size() - test.cancers());
        AucInterval centralAuc = EvaluateCommand.interval(central.patients());
        double seconds = (System.nanoTime() - t0) / 1e9;
        w.printf(Locale.ROOT, "centralised model: epoch %d of %d, the best on the pooled validation patients%n", centralEpoch, epochs);
        w.printf(Locale.ROOT, "%ntest AUC on %d held-out patients (%d with cancer): federated %s, centralised %s, ratio %.3f (federated / centralised)%n",
                test.size(), test.cancers(), fedAuc, centralAuc, fedAuc.auc() / centralAuc.auc());
        if (p.lesionCentred()) {
            w.printf(Locale.ROOT, "candidate-level test AUC: federated %.3f, centralised %.3f%s%n", fed.testCandidateAuc(),
                    central.candidates() == null ? Double.NaN : central.candidates().auc(),
                    recall == null ? "" : String.format(Locale.ROOT, "; oracle patient AUC of the candidates %.3f", recall.oracleAuc()));
        }
        if (fedAuc.includesChance() && centralAuc.includesChance()) w.println(DemoReport.CHANCE_NOTE);
        Path gallery = null;
        if (p.lesionCentred()) {
            try (LungModel model = LungModel.of(p, ModelFiles.read(out.resolve("global-model.safetensors"), p))) {
                gallery = FindingsGallery.write(out.resolve(FindingsGallery.FILE), p, test, test.evaluate(model), cache.resolve(SynthDataset.TEST_SITE));
            }
        }
        Path report = DemoReport.write(out, new DemoReport.Summary(p, sites, rows, fed, fedAuc, centralAuc, central, centralEpoch, epochs,
                test.size(), pooledTrain.size(), validation.size(), recall, gallery, privacy, importSeconds, fedSeconds, seconds));
        w.printf(Locale.ROOT, "demo finished in %.0f s. Report: %s (plot %s); federated model: %s%n", seconds, report,
                out.resolve(DemoReport.PLOT), out.resolve("global-model.safetensors"));
        w.flush();
        return 0;
    }

    /** The version with the best pooled validation AUC; ties go to the earlier version (fewer rounds, same evidence). */
    static Row bestByValidation(List<Row> rows) {
        Row best = rows.get(0);
        for (Row r : rows) if (r.validationAuc() > best.validationAuc() || Double.isNaN(best.validationAuc())) best = r;
        return best;
    }

    private static String percent(CandidateRecall.Band b) {
        return String.format(Locale.ROOT, "%d/%d (%.0f%%)", b.found(), b.nodules(), 100 * b.recall());
    }

    private void generateData(Path data, PrintWriter w) throws IOException {
        if (Files.exists(data.resolve("README.txt"))) {
            w.println("synthetic data: reusing " + data);
            return;
        }
        if (Files.exists(data)) deleteTree(data); // an interrupted generation: start again
        w.printf("synthetic data: %d sites x %d patients + %d test patients -> %s%n", sites, patientsPerSite, testPatients, data);
        w.flush();
        ProgressBar bar = new ProgressBar(System.err, "synth", ProgressBar.stderrIsTerminal());
        SynthDataset.Options o = new SynthDataset.Options(sites, patientsPerSite, testPatients, 0.3, 0.5, seed, small, PhantomModel.DEFAULT,
                null, null, Runtime.getRuntime().availableProcessors());
        Path tmp = data.resolveSibling("data.partial");
        deleteTree(tmp);
        SynthDataset.generate(o, tmp, "lungfl demo", "lungfl demo --sites " + sites + " --patients-per-site " + patientsPerSite
                + " --test-patients " + testPatients + " --seed " + seed + (small ? " --small" : ""), (done, total, bytes) -> {
                    synchronized (bar) {
                        bar.update(done, total, bytes >> 20, "MiB");
                    }
                });
        Files.move(tmp, data);
    }

    /** Evaluates the loaded version on the validation and test patients, taking turns with the clients for the CPU. */
    private static Row row(long version, int contributors, long samples, double localAuc, LungModel model, Cohort validation, Cohort test,
            ReentrantLock cpu) {
        cpu.lock();
        try {
            double val = validation.isEmpty() ? Double.NaN : validation.evaluate(model).patients().auc();
            Cohort.Evaluation t = test.evaluate(model);
            return new Row(version, contributors, samples, localAuc, val, t.patients().auc(),
                    t.candidates() == null ? Double.NaN : t.candidates().auc());
        } finally {
            cpu.unlock();
        }
    }

    private static Row printRow(PrintWriter w, Row r) {
        w.printf(Locale.ROOT, "%7d | %12s | %7s | %26s | %21s | %8.3f | %18s%n", r.version(), r.version() == 0 ? "-" : Integer.toString(r.contributors()),
                r.version() == 0 ? "-" : Long.toString(r.samples()), num(r.meanLocalValidationAuc()), num(r.validationAuc()), r.testAuc(),
                num(r.testCandidateAuc()));
        w.flush();
        return r;
    }

    static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** The in-process server logs every request; in the demo the table is the story, so only its warnings show. */
    private static void quietServerLog() {
        if (org.slf4j.LoggerFactory.getLogger("org.lungfl.server") instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    /** Client events on stderr, prefixed by the site. */
    private record SiteListener(String site, PrintStream err) implements FederatedTrainingCycle.Listener {
        @Override public void message(String line) {
            err.println(site + ": " + line);
        }

        @Override public void roundDone(FederatedTrainingCycle.RoundRecord r, long version) {
            err.printf(Locale.ROOT, "%s: round %d trained in %.0f s (loss %.3f), global version now %d%n", site, r.round(), r.trainSeconds(),
                    r.trainLoss(), version);
        }
    }
}
