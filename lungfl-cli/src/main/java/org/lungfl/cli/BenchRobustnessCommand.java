package org.lungfl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.client.LocalData;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.model.Cohort;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "robustness", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how each aggregation strategy stands up to one hostile hospital.",
            "A synthetic federation (the demo's generator, made once and kept in OUT/data and OUT/cache) is run in this process, "
                + "without HTTP, for a fixed number of rounds per strategy: all honest, then with the last site scaling its update by -10, "
                + "flipping its sign, sending Gaussian noise of an honest norm, or training on inverted labels. Sites train with the real "
                + "local trainer and the real strategies combine their updates; a strategy followed by +screening first applies the "
                + "server's update screening. Writes OUT/report.md (final test AUC with its 95% CI, rounds to recover, the targets of "
                + "issue 15), two plots and OUT/rounds.csv."})
final class BenchRobustnessCommand implements Callable<Integer> {
    /**
     * Rounds and local epochs of a default run: 20 local epochs in all, where 10 left every rule
     * still learning (docs/robustness/). One federation of 5 sites × 24 patients then takes about
     * 170 s of CPU (1.5 minutes on 2 idle cores), so the whole default matrix of 9 settings × 5
     * conditions takes over an hour: choose --strategies and --attacks for less.
     */
    static final int DEFAULT_ROUNDS = 10, DEFAULT_EPOCHS = 2;
    static final String SCREENED_FEDAVG = AggregationOptions.FEDAVG + RobustnessFederation.Setting.SCREENED;
    static final String CSV = "rounds.csv";

    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "lungfl-robustness", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--sites", defaultValue = "5", paramLabel = "N", description = "Hospitals, one of them hostile (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--patients-per-site", defaultValue = "24", paramLabel = "N", description = "Patients per hospital (default: ${DEFAULT-VALUE}).")
    int patientsPerSite;

    @Option(names = "--test-patients", defaultValue = "100", paramLabel = "N", description = "Held-out test patients (default: ${DEFAULT-VALUE}).")
    int testPatients;

    @Option(names = "--rounds", defaultValue = "" + DEFAULT_ROUNDS, paramLabel = "R", description = "Rounds per federation (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--epochs", defaultValue = "" + DEFAULT_EPOCHS, paramLabel = "E", description = "Local epochs per round (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--strategies", split = ",", paramLabel = "LIST",
            description = "Comma-separated strategies, each optionally followed by +screening (default: all eight, then fedavg+screening).")
    List<String> strategies;

    @Option(names = "--attacks", split = ",", paramLabel = "LIST",
            description = "Comma-separated conditions among honest, scaling, sign-flip, noise, label-flip (default: all five).")
    List<String> attacks;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the synthetic data and of the noise attack (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--small", hidden = true, description = "Tiny synthetic studies (for tests).")
    boolean small;

    @Option(names = "--rerender", description = "Write the report and plots again from OUT/rounds.csv of an earlier run with the same options, "
            + "without running any federation (the earlier report's time line is kept).")
    boolean rerender;

    @Override
    public Integer call() throws Exception {
        if (sites < 2) throw new UserFacingException("--sites must be at least 2 (one of them attacks), not " + sites);
        if (patientsPerSite < 2) throw new UserFacingException("--patients-per-site must be at least 2, not " + patientsPerSite);
        if (testPatients < 2) throw new UserFacingException("--test-patients must be at least 2, not " + testPatients);
        if (rounds < 1) throw new UserFacingException("--rounds must be at least 1, not " + rounds);
        if (epochs < 1) throw new UserFacingException("--epochs must be at least 1, not " + epochs);
        List<RobustnessFederation.Setting> settings = new ArrayList<>();
        List<String> ids = strategies == null ? defaultSettings() : strategies;
        for (String id : new LinkedHashSet<>(ids)) settings.add(RobustnessFederation.Setting.parse(id.strip()));
        List<Attack> conditions = new ArrayList<>();
        for (String id : new LinkedHashSet<>(attacks == null ? Attack.ids() : attacks)) conditions.add(Attack.byId(id.strip()));
        FederationPlan p = FederationPlan.load(plan);

        long t0 = System.nanoTime();
        PrintWriter w = spec.commandLine().getOut();
        Path data = out.resolve("data"), cache = out.resolve("cache");
        generateData(data, w);
        List<String> siteNames = new ArrayList<>();
        for (int k = 1; k <= sites; k++) siteNames.add("site-" + k);
        Cohort test = DemoData.importAll(p, data, cache, siteNames, w).test();
        List<RobustnessFederation.Site> federation = new ArrayList<>();
        int trainingPatients = 0;
        for (String site : siteNames) {
            // What the site's client does: the plan's import (already done) and its seeded validation split.
            Cohort train = LocalData.prepare(p, DemoData.source(data, cache, site), 1, (done, total) -> {}).train();
            String why = train.whyNotTrainable();
            if (why != null) throw new UserFacingException(site + " cannot train under plan '" + p.name() + "': " + why);
            trainingPatients += train.size();
            federation.add(new RobustnessFederation.Site(site, train.trainingExamples()));
        }
        double importSeconds = (System.nanoTime() - t0) / 1e9;
        int attacker = sites - 1;
        w.printf(Locale.ROOT, "%d settings x %d conditions = %d federations of %d rounds x %d local epochs; %s attacks%n", settings.size(),
                conditions.size(), settings.size() * conditions.size(), rounds, epochs, siteNames.get(attacker));
        w.flush();

        Path csv = out.resolve(CSV);
        RobustnessReport.Setup setup = new RobustnessReport.Setup(p, siteNames, siteNames.get(attacker), patientsPerSite, trainingPatients,
                test.size(), test.cancers(), rounds, epochs, seed);
        if (rerender) {
            Path previous = out.resolve(RobustnessReport.FILE);
            String time = Files.exists(previous)
                    ? Files.readAllLines(previous).stream().filter(l -> l.startsWith("Time: ")).findFirst().orElse(null) : null;
            List<RobustnessFederation.Run> runs = RobustnessFederation.Run.readCsv(csv, test.cancers(), test.size() - test.cancers());
            Path report = new RobustnessReport(setup, runs).write(out, new RobustnessReport.Cost(Double.NaN, Double.NaN, Double.NaN));
            if (time != null) {
                List<String> lines = new ArrayList<>(Files.readAllLines(report));
                lines.replaceAll(l -> l.startsWith("Time: ") ? time : l);
                Files.write(report, lines);
            }
            w.printf(Locale.ROOT, "report written again from %s (%d runs): %s%n", csv, runs.size(), report);
            w.flush();
            return 0;
        }
        List<RobustnessFederation.Run> runs = new ArrayList<>();
        try (RobustnessFederation fed = new RobustnessFederation(p, federation, attacker, test, epochs, seed);
                Writer rows = Files.newBufferedWriter(csv, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            rows.write(RobustnessFederation.Round.CSV_HEADER + "\n");
            int done = 0, total = settings.size() * conditions.size();
            for (Attack a : conditions) {
                for (RobustnessFederation.Setting s : settings) {
                    String what = s.title() + ", " + a.title;
                    RobustnessFederation.Run r = fed.run(s, a, rounds, x -> System.err.printf(Locale.ROOT,
                            "%s: round %d/%d, test AUC %.3f%s%n", what, x.round(), rounds, x.testAuc(), x.stopped() > 0 ? ", " + x.stopped()
                                    + " stopped" : ""));
                    runs.add(r);
                    for (RobustnessFederation.Round x : r.rounds()) rows.write(x.csvLine(s, a) + "\n");
                    rows.flush();
                    w.printf(Locale.ROOT, "[%d/%d] %-24s %-30s final test AUC %s, candidates %s%s (%.0f s)%n", ++done, total, s.title(), a.title,
                            r.finalAuc(), RobustnessReport.num3(r.finalCandidateAuc()), r.stopped() > 0 ? ", " + r.stopped() + " updates stopped" : "",
                            r.seconds());
                    if (r.endedEarly() != null) w.println("    ended early: " + r.endedEarly());
                    w.flush();
                }
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        Path report = new RobustnessReport(setup, runs).write(out, new RobustnessReport.Cost(importSeconds, wall, cpuSeconds()));
        w.printf(Locale.ROOT, "finished in %.0f s (%.0f s of CPU time). Report: %s; every round: %s%n", wall, cpuSeconds(), report, csv);
        w.flush();
        return 0;
    }

    static List<String> defaultSettings() {
        List<String> all = new ArrayList<>(AggregationOptions.STRATEGIES);
        all.add(SCREENED_FEDAVG);
        return all;
    }

    private static double cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /** The demo's synthetic hospitals, made once: a folder made with other sizes is refused rather than silently reused. */
    private void generateData(Path data, PrintWriter w) throws IOException {
        String made = String.format(Locale.ROOT, "Seed %d, %d site(s) x %d patients, %d test patients, positive rate 0.300, prevalence skew 0.50",
                seed, sites, patientsPerSite, testPatients);
        Path readme = data.resolve("README.txt");
        if (Files.exists(readme)) {
            if (!Files.readString(readme).contains(made) || Files.readString(readme).contains("--small") != small) {
                throw new UserFacingException(data + " holds other synthetic data than --sites " + sites + " --patients-per-site "
                        + patientsPerSite + " --test-patients " + testPatients + " --seed " + seed + (small ? " --small" : "")
                        + " (see its README.txt): choose another --out, or delete " + data + " and " + data.resolveSibling("cache"));
            }
            w.println("synthetic data: reusing " + data);
            return;
        }
        if (Files.exists(data)) DemoCommand.deleteTree(data); // an interrupted generation: start again
        w.printf("synthetic data: %d sites x %d patients + %d test patients -> %s%n", sites, patientsPerSite, testPatients, data);
        w.flush();
        ProgressBar bar = new ProgressBar(System.err, "synth", ProgressBar.stderrIsTerminal());
        // The demo's generator and settings: 30 % cancers, site prevalences spread by half, the default phantoms.
        SynthDataset.Options o = new SynthDataset.Options(sites, patientsPerSite, testPatients, 0.3, 0.5, seed, small, PhantomModel.DEFAULT,
                null, null, Runtime.getRuntime().availableProcessors());
        Path tmp = data.resolveSibling("data.partial");
        DemoCommand.deleteTree(tmp);
        SynthDataset.generate(o, tmp, "lungfl bench robustness", "lungfl bench robustness --sites " + sites + " --patients-per-site "
                + patientsPerSite + " --test-patients " + testPatients + " --seed " + seed + (small ? " --small" : ""), (done, total, bytes) -> {
                    synchronized (bar) {
                        bar.update(done, total, bytes >> 20, "MiB");
                    }
                });
        Files.move(tmp, data);
    }
}
