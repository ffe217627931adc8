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
import org.lungfl.client.LocalData;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.AucInterval;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;
import org.lungfl.model.Evaluator;
import org.lungfl.model.LabelledVolume;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.TrainingOptions;
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
                + "client per hospital, R rounds of FedAvg, then the same training centralised on the pooled data for "
                + "comparison. Prints a table per round and writes the final global model and a report with a plot to OUT."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    /**
     * 14 rounds x 2 epochs x 96 volumes, federated and then centralised, is about 5,400 training
     * volumes: 8 rounds took 157 s in all on two idle cores (~25 volumes/s with the launcher's
     * allocator settings), so 14 land near four minutes, leaving room for a slower machine.
     */
    static final int DEFAULT_ROUNDS = 14;

    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "lungfl-demo", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--rounds", defaultValue = "" + DEFAULT_ROUNDS, paramLabel = "R", description = "Federated rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--sites", defaultValue = "3", paramLabel = "N", description = "Hospitals (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--patients-per-site", defaultValue = "40", paramLabel = "N", description = "Patients per hospital (default: ${DEFAULT-VALUE}).")
    int patientsPerSite;

    @Option(names = "--test-patients", defaultValue = "40", paramLabel = "N", description = "Held-out test patients (default: ${DEFAULT-VALUE}).")
    int testPatients;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--small", description = "Tiny synthetic studies (for tests; the model learns little from them).")
    boolean small;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    /** One finished global version as the demo saw it. */
    record Row(long version, int contributors, long samples, double meanValidationAuc, double testAuc) {}

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) throw new UserFacingException("--rounds must be at least 1, not " + rounds);
        if (sites < 1) throw new UserFacingException("--sites must be at least 1, not " + sites);
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
        List<LabelledVolume> test = importTest(p, data, cache.resolve("test"));

        Path serverDir = out.resolve("server");
        Files.createDirectories(serverDir);
        TokenStore tokens = new TokenStore(serverDir);
        List<String> siteNames = new ArrayList<>();
        List<String> siteTokens = new ArrayList<>();
        for (int k = 1; k <= sites; k++) {
            siteNames.add("site-" + k);
            siteTokens.add(tokens.add("site-" + k, false));
        }
        String monitorToken = tokens.add("demo-monitor", true);
        ServerConfig config = ServerConfig.defaults(serverDir, p).withHostPort("127.0.0.1", 0).withCapacity(sites).withRetention(rounds + 2);
        List<Row> rows = new ArrayList<>();
        Weights finalGlobal;
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
                var o = new FederatedTrainingCycle.Options(data.resolve(site).resolve("dicom"), data.resolve(site).resolve("labels.csv"),
                        cache.resolve(site), out.resolve("sites").resolve(site), null, Duration.ofMinutes(30), Duration.ofSeconds(1),
                        Math.max(1, Runtime.getRuntime().availableProcessors() / sites));
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
            w.println("version | contributors | samples | mean local validation AUC | global model test AUC");
            w.println("--------|--------------|---------|---------------------------|----------------------");
            try (LungModel model = LungModel.of(p, p.initialWeights())) {
                Row r0 = new Row(0, 0, 0, Double.NaN, testAuc(model, test, p, cpu));
                rows.add(r0);
                printRow(w, r0);
                long seen = 0;
                while (seen < rounds) {
                    if (!failures.isEmpty()) break;
                    JsonNode history = monitor.history();
                    boolean progressed = false;
                    for (JsonNode round : history.path("rounds")) {
                        long v = round.path("version").asLong();
                        if (v <= seen) continue;
                        model.load(monitor.download(v).weights());
                        Row r = new Row(v, round.path("contributors").asInt(), round.path("samples").asLong(),
                                round.path("validation").path("metrics").path("val_auc").asDouble(Double.NaN), testAuc(model, test, p, cpu));
                        rows.add(r);
                        printRow(w, r);
                        seen = v;
                        progressed = true;
                    }
                    if (!progressed) Thread.sleep(500);
                }
            }
            for (Thread t : clients) t.join();
            if (!failures.isEmpty()) {
                Throwable f = failures.get(0);
                throw f instanceof UserFacingException u ? u : new UserFacingException("a demo client failed: " + Main.oneLine(f), f);
            }
            finalGlobal = monitor.downloadGlobalModel().weights();
        }
        Path globalFile = out.resolve("global-model.safetensors");
        Files.write(globalFile, SafeTensors.write(finalGlobal, java.util.Map.of("plan_fingerprint", p.fingerprint())));
        double fedSeconds = (System.nanoTime() - t0) / 1e9;

        // The baseline: the same training patients pooled in one place, the same number of epochs.
        List<LabelledVolume> pooled = new ArrayList<>();
        for (String site : siteNames) {
            // Already imported by the site's client: this only reads the cache and repeats its split.
            pooled.addAll(LocalData.prepare(p, data.resolve(site).resolve("dicom"), data.resolve(site).resolve("labels.csv"), cache.resolve(site), 1,
                    (done, total) -> {}).train());
        }
        int epochs = rounds * p.train().epochsPerRound();
        w.printf("%ncentralised baseline: %d pooled training patients, %d epochs (= %d rounds x %d epochs per round)%n", pooled.size(), epochs,
                rounds, p.train().epochsPerRound());
        w.flush();
        double centralAuc;
        Path centralFile = out.resolve("centralised-model.safetensors");
        try (LungModel model = LungModel.of(p, p.initialWeights())) {
            ProgressBar bar = new ProgressBar(err, "centralised training", ProgressBar.stderrIsTerminal());
            new LocalTrainer(model, TrainingOptions.of(p, epochs)).train(pooled, (e, b, n, loss) -> bar.training(e, epochs, b, n, loss));
            Files.write(centralFile, SafeTensors.write(model.weights(), java.util.Map.of("plan_fingerprint", p.fingerprint())));
            centralAuc = testAuc(model, test, p, null);
        }
        int testCancers = (int) test.stream().filter(v -> v.label() == 1).count();
        AucInterval fed = AucInterval.of(rows.get(rows.size() - 1).testAuc(), testCancers, test.size() - testCancers);
        AucInterval central = AucInterval.of(centralAuc, testCancers, test.size() - testCancers);
        double seconds = (System.nanoTime() - t0) / 1e9;
        w.printf(Locale.ROOT, "%ntest AUC on %d held-out patients (%d with cancer): federated %s, centralised %s, ratio %.3f (federated / centralised)%n",
                test.size(), testCancers, fed, central, fed.auc() / central.auc());
        if (fed.includesChance() && central.includesChance()) w.println(DemoReport.CHANCE_NOTE);
        Path report = DemoReport.write(out, p, sites, rows, fed, central, test.size(), pooled.size(), epochs, fedSeconds, seconds);
        w.printf(Locale.ROOT, "demo finished in %.0f s. Report: %s (plot %s); final global model: %s%n", seconds, report,
                out.resolve(DemoReport.PLOT), globalFile);
        w.flush();
        return 0;
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

    private static List<LabelledVolume> importTest(FederationPlan p, Path data, Path cache) {
        Path dir = data.resolve(SynthDataset.TEST_SITE);
        ProgressBar bar = new ProgressBar(System.err, "import test set", ProgressBar.stderrIsTerminal());
        return LocalData.importAll(p, dir.resolve("dicom"), dir.resolve("labels.csv"), cache, Runtime.getRuntime().availableProcessors(),
                (done, total) -> bar.update(done, total, done, "patients"));
    }

    private static double testAuc(LungModel model, List<LabelledVolume> test, FederationPlan p, ReentrantLock cpu) {
        if (cpu != null) cpu.lock();
        try {
            return Evaluator.evaluate(model, test, p.train().batchSize()).metrics().auc();
        } finally {
            if (cpu != null) cpu.unlock();
        }
    }

    private static void printRow(PrintWriter w, Row r) {
        w.printf(Locale.ROOT, "%7d | %12s | %7s | %25s | %20.3f%n", r.version(), r.version() == 0 ? "-" : Integer.toString(r.contributors()),
                r.version() == 0 ? "-" : Long.toString(r.samples()), Double.isNaN(r.meanValidationAuc()) ? "-"
                        : String.format(Locale.ROOT, "%.3f", r.meanValidationAuc()), r.testAuc());
        w.flush();
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
