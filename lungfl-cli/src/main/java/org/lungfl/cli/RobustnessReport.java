package org.lungfl.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.AucInterval;
import org.lungfl.core.plan.FederationPlan;

/**
 * {@code DIR/report.md} of {@code lungfl bench robustness}: final test AUC per setting and attack,
 * rounds to recover, what screening stopped, the targets checked against the figures, and
 * two plots: the final AUCs as bars and the AUC per round under model scaling.
 */
final class RobustnessReport {
    static final String FILE = "report.md";
    static final String BARS = "final-auc.png";
    static final String CURVES = "auc-per-round-scaling.png";
    /** A robust setting must keep this share of the all-honest FedAvg AUC (issue 15, "Done when"). */
    static final double KEEP = 0.95;

    /** How the benchmark was set up, for the report's first paragraph. */
    record Setup(FederationPlan plan, List<String> sites, String attacker, int patientsPerSite, int trainingPatients, int testPatients,
            int testCancers, int rounds, int epochs, long seed) {}

    /** What the run cost: wall-clock and this process's CPU time, in seconds. */
    record Cost(double importSeconds, double wallSeconds, double cpuSeconds) {}

    private final Setup setup;
    private final List<RobustnessFederation.Run> runs;
    private final List<RobustnessFederation.Setting> settings = new ArrayList<>();
    private final List<Attack> attacks = new ArrayList<>();
    private final Map<String, RobustnessFederation.Run> byKey = new LinkedHashMap<>();

    RobustnessReport(Setup setup, List<RobustnessFederation.Run> runs) {
        this.setup = setup;
        this.runs = List.copyOf(runs);
        for (RobustnessFederation.Run r : runs) {
            if (!settings.contains(r.setting())) settings.add(r.setting());
            if (!attacks.contains(r.attack())) attacks.add(r.attack());
            byKey.put(key(r.setting(), r.attack()), r);
        }
    }

    private static String key(RobustnessFederation.Setting s, Attack a) {
        return s.id() + "/" + a.id;
    }

    private RobustnessFederation.Run run(RobustnessFederation.Setting s, Attack a) {
        return byKey.get(key(s, a));
    }

    /** All-honest plain FedAvg, the reference of every comparison; null when it was not run. */
    RobustnessFederation.Run reference() {
        for (RobustnessFederation.Run r : runs) {
            if (r.attack() == Attack.HONEST && r.setting().strategy().equals("fedavg") && !r.setting().screened()) return r;
        }
        return null;
    }

    /** The AUC a run must reach to count as recovered: {@link #KEEP} × the reference's final AUC (NaN without reference). */
    double recoveryLevel() {
        RobustnessFederation.Run ref = reference();
        return ref == null ? Double.NaN : KEEP * ref.finalAuc().auc();
    }

    /**
     * Rounds to recover: the first round from which the global model's test AUC stays at or above
     * {@link #recoveryLevel()} up to the last round; -1 when the last round is below it.
     */
    static int roundsToRecover(RobustnessFederation.Run r, double level) {
        List<RobustnessFederation.Round> rounds = r.rounds();
        if (Double.isNaN(level) || !(rounds.get(rounds.size() - 1).testAuc() >= level)) return -1;
        int first = rounds.size() - 1;
        while (first > 1 && rounds.get(first - 1).testAuc() >= level) first--;
        return rounds.get(first).round();
    }

    Path write(Path dir, Cost cost) {
        StringBuilder md = new StringBuilder();
        FederationPlan p = setup.plan();
        md.append("# LungFL robustness benchmark\n\n");
        md.append(String.format(Locale.ROOT, "%d synthetic hospitals (`lungfl synth`'s generator, seed %d, %d patients each, %d training patients "
                + "in all after the plan's validation split) train plan '%s' (%s) together for %d rounds of %d local epochs; the final global "
                + "model is scored on %d held-out test patients (%d with cancer). Each run is one strategy, at its default parameters "
                + "([docs/aggregation.md](../aggregation.md)), under one condition: all honest, or %s attacking in one way while the others "
                + "stay honest.\n\n",
                setup.sites().size(), setup.seed(), setup.patientsPerSite(), setup.trainingPatients(), p.name(), p.architecture(), setup.rounds(),
                setup.epochs(), setup.testPatients(), setup.testCancers(), setup.attacker()));
        md.append("""
                **What this measures.** The aggregation rules' robustness, not the HTTP path's: the federation runs in one process. Each \
                round every site trains with the real `LocalTrainer` from the global model (the plan's training settings, the seed a real \
                client uses), the attack is applied to the hostile site's weights, and the real core strategy combines the updates through \
                `InMemoryAggregation`, the same `Round` API the server streams over files. The hostile site uploads first in every round.

                **Attacks** (on every tensor the strategy aggregates): *scaling* sends w + (−10)·Δ, where Δ is its honestly trained delta; \
                *sign flip* sends w − Δ; *noise* sends w + n with n Gaussian and ‖n‖ = ‖Δ‖; *label flip* trains on its own patches with \
                every label inverted (the same examples per epoch, so the same sample count).

                **Screening.** A real server screens every upload before any strategy sees it (on by default): an update whose delta norm \
                exceeds the plan's `factor` (%s) × the median norm of the updates that passed in the last %d rounds is quarantined, once %d \
                norms are known. The rows marked "+ screening" apply that rule (the same rule as lungfl-server's `UpdateScreening`, \
                over norms in memory) before the strategy; the other rows show the strategy alone, as if screening were off. Updates it \
                stops are left out and the round is aggregated from the others, as the coordinator's `execute` would do: a server waiting \
                for K = %d updates would otherwise wait for one that never comes.

                """.formatted(num(p.aggregation().screening().factor()), p.aggregation().screening().rounds(),
                p.aggregation().screening().minUpdates(), setup.sites().size()));
        md.append("![final test AUC per setting and attack](").append(BARS).append(")\n\n");

        md.append("## Final test AUC per patient (95 % CI, Hanley-McNeil)\n\n");
        table(md, r -> aucCell(r));
        md.append("\n## Final test AUC per candidate\n\n");
        table(md, r -> num3(r.finalCandidateAuc()));

        double level = recoveryLevel();
        md.append("\n## Rounds to recover\n\n");
        if (Double.isNaN(level)) {
            md.append("Not measured: all-honest FedAvg, the reference, was not part of this run.\n");
        } else {
            md.append(String.format(Locale.ROOT, "The first round from which the global model's test AUC stays at or above %.2f × the final AUC of "
                    + "all-honest FedAvg (%.3f × %.2f = %.3f) in every later round; \"never\" when the last round is below it. The attack goes "
                    + "on in every round, so this is how long the federation takes to reach, and keep, nearly the honest level despite it. "
                    + "The honest column is the same measure without attack: how long learning itself takes.%n%n",
                    KEEP, reference().finalAuc().auc(), KEEP, level));
            table(md, r -> {
                int k = roundsToRecover(r, level);
                return k < 0 ? "never" : Integer.toString(k);
            });
        }

        md.append("\n## Update norms and screening\n\n");
        md.append("The hostile update's delta norm over the honest sites' median delta norm in round 1 (the same in every run: all start from "
                + "version 0), and how many updates screening stopped over the whole run (hostile and honest; rows with screening only).\n\n");
        md.append("| attack | hostile ÷ honest norm, round 1 |");
        for (RobustnessFederation.Setting s : settings) if (s.screened()) md.append(" stopped, ").append(s.title()).append(" |");
        md.append("\n|---|---:|");
        for (RobustnessFederation.Setting s : settings) if (s.screened()) md.append("---:|");
        md.append('\n');
        for (Attack a : attacks) {
            RobustnessFederation.Run any = runs.stream().filter(r -> r.attack() == a).findFirst().orElseThrow();
            RobustnessFederation.Round first = any.rounds().size() > 1 ? any.rounds().get(1) : null;
            md.append("| ").append(a.title).append(" | ")
                    .append(first == null || a == Attack.HONEST ? "-" : num2(first.attackerNorm() / first.honestNorm())).append(" |");
            for (RobustnessFederation.Setting s : settings) {
                if (!s.screened()) continue;
                RobustnessFederation.Run r = run(s, a);
                md.append(' ').append(r == null ? "" : r.stopped() + " of " + (setup.rounds() * setup.sites().size())).append(" |");
            }
            md.append('\n');
        }

        md.append("\n## Against the issue's targets\n\n");
        targets(md);

        if (attacks.contains(Attack.SCALING)) {
            md.append("\n## Per round, under model scaling\n\n");
            md.append("![test AUC per round under model scaling](").append(CURVES).append(")\n\n");
        }
        md.append("\nEvery round of every run, with the norms, is in `rounds.csv` next to this report.\n\n");
        List<String> ended = new ArrayList<>();
        for (RobustnessFederation.Run r : runs) if (r.endedEarly() != null) ended.add("- " + r.setting().title() + ", " + r.attack().title + ": " + r.endedEarly());
        if (!ended.isEmpty()) {
            md.append("Runs that ended early (a site's training diverged from the poisoned global model; the AUC is that model's):\n\n");
            md.append(String.join("\n", ended)).append("\n\n");
        }
        double fedSeconds = runs.stream().mapToDouble(RobustnessFederation.Run::seconds).sum();
        md.append(String.format(Locale.ROOT, "Time: %d federations in %.0f s (%.0f s each on average), import %.0f s, whole run %.0f s wall-clock "
                + "and %.0f s of CPU time on %d cores.%n", runs.size(), fedSeconds, fedSeconds / Math.max(1, runs.size()), cost.importSeconds(),
                cost.wallSeconds(), cost.cpuSeconds(), Runtime.getRuntime().availableProcessors()));
        Path file = dir.resolve(FILE);
        try {
            Files.writeString(file, md.toString());
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot write the report: " + e.getMessage(), e);
        }
        RobustnessPlot.bars(dir.resolve(BARS), settings, attacks, this::run, reference());
        curves(dir.resolve(CURVES));
        return file;
    }

    private interface Cell {
        String of(RobustnessFederation.Run r);
    }

    private void table(StringBuilder md, Cell cell) {
        md.append("| setting |");
        for (Attack a : attacks) md.append(' ').append(a.title).append(" |");
        md.append("\n|---|");
        for (int i = 0; i < attacks.size(); i++) md.append("---:|");
        md.append('\n');
        for (RobustnessFederation.Setting s : settings) {
            md.append("| ").append(s.title()).append(" |");
            for (Attack a : attacks) {
                RobustnessFederation.Run r = run(s, a);
                md.append(' ').append(r == null ? "" : cell.of(r)).append(" |");
            }
            md.append('\n');
        }
    }

    private static String aucCell(RobustnessFederation.Run r) {
        AucInterval i = r.finalAuc();
        if (Double.isNaN(i.lower())) return num3(i.auc());
        return String.format(Locale.ROOT, "%.3f (%.2f-%.2f)", i.auc(), i.lower(), i.upper());
    }

    private void targets(StringBuilder md) {
        RobustnessFederation.Run ref = reference();
        if (ref == null) {
            md.append("Not checked: all-honest FedAvg, the reference, was not part of this run.\n");
            return;
        }
        double refAuc = ref.finalAuc().auc();
        md.append(String.format(Locale.ROOT, "Reference: all-honest FedAvg, final test AUC %s.%n%n", aucCell(ref)));
        List<Attack> hostile = attacks.stream().filter(a -> a != Attack.HONEST).toList();
        // 1. One robust setting that keeps 0.95x the reference under every attack.
        RobustnessFederation.Setting best = null;
        double bestWorst = Double.NEGATIVE_INFINITY;
        for (RobustnessFederation.Setting s : settings) {
            if (s.strategy().equals("fedavg") && !s.screened()) continue;
            double worst = Double.POSITIVE_INFINITY;
            for (Attack a : hostile) {
                RobustnessFederation.Run r = run(s, a);
                worst = Math.min(worst, r == null ? Double.NaN : r.finalAuc().auc() / refAuc);
            }
            if (!hostile.isEmpty() && !Double.isNaN(worst) && worst > bestWorst) {
                bestWorst = worst;
                best = s;
            }
        }
        if (best == null) {
            md.append("- Best robust setting: not checked (no attack, or no robust setting run under every attack).\n");
        } else {
            StringBuilder each = new StringBuilder();
            for (Attack a : hostile) {
                if (each.length() > 0) each.append(", ");
                each.append(a.id).append(' ').append(num3(run(best, a).finalAuc().auc() / refAuc));
            }
            md.append(String.format(Locale.ROOT, "- **Best robust setting under every attack: %s**, its worst final AUC is %.3f × the reference "
                    + "(%s): %s.%n", best.title(), bestWorst, each, bestWorst >= KEEP ? "target (≥ 0.95×) met" : "target (≥ 0.95×) **not met**"));
        }
        // 2. Honest runs of every strategy within the reference's CI.
        List<String> outside = new ArrayList<>();
        int honest = 0;
        for (RobustnessFederation.Setting s : settings) {
            RobustnessFederation.Run r = run(s, Attack.HONEST);
            if (r == null || r == ref) continue;
            honest++;
            double auc = r.finalAuc().auc();
            if (!(auc >= ref.finalAuc().lower() && auc <= ref.finalAuc().upper())) outside.add(s.title() + " " + num3(auc));
        }
        if (honest > 0) {
            md.append(String.format(Locale.ROOT, "- All-honest runs within FedAvg's CI (%.2f-%.2f): %s.%n", ref.finalAuc().lower(),
                    ref.finalAuc().upper(), outside.isEmpty() ? "all " + honest + " other settings, target met"
                            : "**not met** by " + String.join(", ", outside)));
        }
        // 3. Plain FedAvg fails under model scaling.
        RobustnessFederation.Run scaled = byKey.get("fedavg/" + Attack.SCALING.id);
        if (scaled != null) {
            double a = scaled.finalAuc().auc();
            boolean fails = a < KEEP * refAuc;
            md.append(String.format(Locale.ROOT, "- Plain FedAvg under model scaling: final test AUC %s, %.3f × the reference: %s.%n", aucCell(scaled),
                    a / refAuc, fails ? "it fails, so the benchmark tells the rules apart" : "**it does not fail** (target not met)"));
        }
    }

    private void curves(Path png) {
        List<AucPlot.Series> series = new ArrayList<>();
        int i = 0;
        int maxRound = 1;
        for (RobustnessFederation.Setting s : settings) {
            RobustnessFederation.Run r = run(s, Attack.SCALING);
            Color c = RobustnessPlot.color(i++);
            if (r == null) continue;
            double[] x = r.rounds().stream().mapToDouble(RobustnessFederation.Round::round).toArray();
            double[] y = r.rounds().stream().mapToDouble(RobustnessFederation.Round::testAuc).toArray();
            maxRound = Math.max(maxRound, r.last().round());
            series.add(new AucPlot.Series(s.title(), c, x, y, s.screened()));
        }
        if (series.isEmpty()) return;
        AucPlot.write(png, "Test AUC per round, one site scaling its update by -10", series, maxRound);
    }

    static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static String num2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String num3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
