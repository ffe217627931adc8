package org.lungfl.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.aggregation.AggregationStrategy;
import org.lungfl.core.aggregation.Contribution;
import org.lungfl.core.aggregation.InMemoryAggregation;
import org.lungfl.core.aggregation.LocalTensors;
import org.lungfl.core.metrics.AucInterval;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;
import org.lungfl.model.Cohort;
import org.lungfl.model.Evaluator;
import org.lungfl.model.Examples;
import org.lungfl.model.LesionEvaluator;
import org.lungfl.model.LesionPatient;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.PatchExamples;
import org.lungfl.model.TrainingOptions;
import org.lungfl.model.TrainingProgress;

/**
 * A federation of K sites simulated in one process, without HTTP, for {@code lungfl bench
 * robustness}: every round each site trains with the real {@link LocalTrainer} from the global
 * model (the plan's training settings and the seed a real client uses), the hostile site changes
 * its update ({@link Attack}), the server's norm screening may stop updates ({@link NormScreening}),
 * and the real core strategy combines the rest through {@link InMemoryAggregation}. What it
 * measures is the aggregation rule's robustness, not the HTTP path's.
 *
 * <p>The hostile site uploads first each round (it needs no time to train garbage, and it is the
 * worst case for screening, which knows no norms in the first round). Updates stopped by screening
 * are left out and the round is aggregated from those that passed, as a coordinator's
 * {@code execute} would (a server waiting for K updates would otherwise wait for one that never comes).
 */
final class RobustnessFederation implements AutoCloseable {
    /** A site: its name (which seeds its training, as the client id does) and its training examples. */
    record Site(String name, Examples examples) {}

    /** A row of the benchmark: a strategy at its default parameters, alone or behind the server's screening. */
    record Setting(String id, String strategy, boolean screened) {
        static final String SCREENED = "+screening";

        static Setting parse(String id) {
            boolean screened = id.endsWith(SCREENED);
            String strategy = screened ? id.substring(0, id.length() - SCREENED.length()) : id;
            if (!AggregationOptions.STRATEGIES.contains(strategy)) {
                throw new UserFacingException("unknown strategy '" + id + "' (known: " + String.join(", ", AggregationOptions.STRATEGIES)
                        + ", each optionally followed by " + SCREENED + ")");
            }
            return new Setting(id, strategy, screened);
        }

        String title() {
            return screened ? strategy + " + screening" : strategy;
        }
    }

    /**
     * One round: the version it made (unchanged when no version could be made), how many updates
     * were combined and stopped, the L2 norms of the global model's step, of the honest sites' median
     * delta and of the hostile update, the cosine between the step and the honest sites' summed
     * deltas (negative when an attack turned the model round), and the new global model's test AUC per patient and per
     * candidate, with the number of candidates it scored as NaN (counted at p = 0.5).
     */
    record Round(int round, long version, int aggregated, int stopped, double stepNorm, double honestNorm, double attackerNorm,
            double honestCosine, double testAuc, double testCandidateAuc, int nanOutputs) {
        /** The columns of {@code rounds.csv}: one line per round of a run, read back by {@link Run#readCsv}. */
        static final String CSV_HEADER = "setting,attack,round,version,aggregated,stopped,step_norm,honest_norm,attacker_norm,honest_cosine,"
                + "test_auc,test_candidate_auc,nan_outputs";

        String csvLine(Setting setting, Attack attack) {
            return String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%s,%s,%s,%s,%s,%s,%d", setting.id(), attack.id, round, version, aggregated, stopped,
                    stepNorm, honestNorm, attackerNorm, honestCosine, testAuc, testCandidateAuc, nanOutputs);
        }

        static Round parse(String[] f) {
            return new Round(Integer.parseInt(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[10]),
                    Double.parseDouble(f[11]), Integer.parseInt(f[12]));
        }
    }

    /**
     * A whole federation: its rounds (round 0 is the initial model), the final model's test AUC
     * with its 95 % CI, and why it ended early, if it did (null when it ran every round).
     */
    record Run(Setting setting, Attack attack, List<Round> rounds, AucInterval finalAuc, double finalCandidateAuc, String endedEarly,
            double seconds) {
        Round last() {
            return rounds.get(rounds.size() - 1);
        }

        int stopped() {
            return rounds.stream().mapToInt(Round::stopped).sum();
        }

        /**
         * The runs of an earlier {@code rounds.csv}, in its order, for a report written again; their
         * time and any early end are not in the file (seconds NaN, endedEarly null).
         */
        static List<Run> readCsv(java.nio.file.Path csv, int testCancers, int testNonCancers) throws java.io.IOException {
            Map<String, List<Round>> rows = new java.util.LinkedHashMap<>();
            List<String> lines = java.nio.file.Files.readAllLines(csv);
            if (lines.isEmpty() || !lines.get(0).equals(Round.CSV_HEADER)) throw new UserFacingException(csv + ": not a rounds.csv of this version");
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                if (f.length != 13) throw new UserFacingException(csv + ": expected 13 fields, not " + f.length + ": " + line);
                rows.computeIfAbsent(f[0] + "," + f[1], k -> new ArrayList<>()).add(Round.parse(f));
            }
            List<Run> runs = new ArrayList<>();
            for (Map.Entry<String, List<Round>> e : rows.entrySet()) {
                String[] key = e.getKey().split(",");
                Round last = e.getValue().get(e.getValue().size() - 1);
                runs.add(new Run(Setting.parse(key[0]), Attack.byId(key[1]), e.getValue(), AucInterval.of(last.testAuc(), testCancers,
                        testNonCancers), last.testCandidateAuc(), null, Double.NaN));
            }
            return runs;
        }
    }

    private record Trained(Weights weights, long samples) {}

    private record Score(double auc, double candidateAuc, int nanOutputs) {}

    private final FederationPlan plan;
    private final List<Site> sites;
    private final int attacker;
    private final int epochs;
    private final long seed;
    private final List<String> aggregated;
    private final List<LesionPatient> test;
    private final PatchExamples testCandidates;
    private final int testCancers;
    private final LungModel model;
    /** Round 1 starts from version 0 in every run: each site's update from it is trained once. */
    private final Map<String, Trained> fromVersionZero = new HashMap<>();
    private Score versionZero;

    /**
     * @param attacker index into {@code sites} of the site that attacks (when the run has an attack)
     * @param seed seeds the noise attack
     */
    RobustnessFederation(FederationPlan plan, List<Site> sites, int attacker, Cohort test, int epochs, long seed) {
        if (!plan.lesionCentred()) throw new UserFacingException("bench robustness needs a lesion-centred plan, not '" + plan.name() + "'");
        if (plan.aggregation().fedbn()) throw new UserFacingException("bench robustness does not simulate FedBN (plan '" + plan.name() + "')");
        this.plan = plan;
        this.sites = List.copyOf(sites);
        this.attacker = attacker;
        this.epochs = epochs;
        this.seed = seed;
        this.aggregated = LocalTensors.aggregatedFloats(plan.modelSpec().tensors(), false).stream().map(TensorSpec::name).toList();
        this.test = test.lesionPatients();
        this.testCandidates = PatchExamples.candidates(this.test, plan);
        this.testCancers = test.cancers();
        this.model = LungModel.of(plan, plan.initialWeights());
    }

    /** Runs one federation; {@code progress} hears of every round as it ends. */
    Run run(Setting setting, Attack attack, int rounds, java.util.function.Consumer<Round> progress) {
        long t0 = System.nanoTime();
        AggregationStrategy strategy = AggregationStrategy.of(new FederationPlan.Aggregation(setting.strategy(),
                plan.aggregation().stalenessExponent()));
        if (strategy.minimumContributors() > sites.size()) {
            throw new UserFacingException(setting.strategy() + " needs at least " + strategy.minimumContributors() + " sites per round, not "
                    + sites.size());
        }
        NormScreening screening = setting.screened() ? new NormScreening(plan.aggregation().screening()) : null;
        Weights global = plan.initialWeights();
        long version = 0;
        if (versionZero == null) versionZero = score(global);
        List<Round> out = new ArrayList<>();
        out.add(new Round(0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, versionZero.auc(), versionZero.candidateAuc(), versionZero.nanOutputs()));
        String endedEarly = null;
        Score last = versionZero;
        for (int r = 1; r <= rounds && endedEarly == null; r++) {
            List<Weights> updates = new ArrayList<>();
            List<Contribution> contributions = new ArrayList<>();
            List<Double> honestNorms = new ArrayList<>();
            List<Weights> honest = new ArrayList<>();
            double attackerNorm = Double.NaN;
            int stopped = 0;
            for (int i : uploadOrder()) {
                boolean hostile = attack != Attack.HONEST && i == attacker;
                Trained t;
                try {
                    t = train(sites.get(i), global, version, hostile && attack.flipsLabels());
                } catch (UserFacingException e) {
                    // A site whose training diverges from this global model stops, as a real client would.
                    endedEarly = String.format(Locale.ROOT, "%s failed in round %d: %s", sites.get(i).name(), r, e.getMessage());
                    break;
                }
                Weights sent = hostile ? attack.apply(global, t.weights(), aggregated, new Random(seed * 1_000_003L + r)) : t.weights();
                double norm = Attack.deltaNorm(sent, global, aggregated);
                if (hostile) attackerNorm = norm;
                else {
                    honestNorms.add(norm);
                    honest.add(sent);
                }
                if (screening != null && !screening.screen(version, norm).passed()) {
                    stopped++;
                    continue;
                }
                updates.add(sent);
                contributions.add(new Contribution(t.samples(), version));
            }
            if (endedEarly != null) break;
            double step = 0, cosine = Double.NaN;
            if (updates.size() >= strategy.minimumContributors()) {
                Weights next = InMemoryAggregation.aggregate(strategy, version, Map.of(version, global), updates, contributions);
                // The server never publishes a version with a non-finite value: the round then makes none.
                if (finite(next)) {
                    step = Attack.deltaNorm(next, global, aggregated);
                    cosine = Attack.cosine(next, honest, global, aggregated);
                    global = next;
                    version++;
                    last = score(global);
                }
            }
            out.add(new Round(r, version, updates.size(), stopped, step, median(honestNorms), attackerNorm, cosine, last.auc(), last.candidateAuc(),
                    last.nanOutputs()));
            progress.accept(out.get(out.size() - 1));
        }
        Round end = out.get(out.size() - 1);
        return new Run(setting, attack, out, AucInterval.of(end.testAuc(), testCancers, test.size() - testCancers), end.testCandidateAuc(),
                endedEarly, (System.nanoTime() - t0) / 1e9);
    }

    /** The hostile site first, then the others in order. */
    private List<Integer> uploadOrder() {
        List<Integer> order = new ArrayList<>();
        order.add(attacker);
        for (int i = 0; i < sites.size(); i++) if (i != attacker) order.add(i);
        return order;
    }

    /** One site's local training from the global model, exactly as its client would train (plan, epochs, seed). */
    private Trained train(Site site, Weights global, long version, boolean flipLabels) {
        String key = site.name() + (flipLabels ? "/flipped" : "");
        if (version == 0 && fromVersionZero.containsKey(key)) return fromVersionZero.get(key);
        model.load(global);
        FederationPlan.Train t = plan.train();
        TrainingOptions o = new TrainingOptions(epochs, t.batchSize(), t.learningRate(), t.fedproxMu(), t.augment(),
                FederatedTrainingCycle.trainingSeed(plan, version, site.name()));
        Examples data = flipLabels ? new FlippedLabels(site.examples()) : site.examples();
        LocalTrainer.Report report = new LocalTrainer(model, o).train(data, TrainingProgress.NONE);
        Trained trained = new Trained(model.weights(), report.samples());
        if (version == 0) fromVersionZero.put(key, trained);
        return trained;
    }

    /**
     * The test patients scored as {@link LesionEvaluator} scores them, except that a candidate the
     * model scores as NaN (a poisoned model can: a negative BatchNorm variance) counts at p = 0.5
     * instead of failing the run: such a model ranks nothing.
     */
    private Score score(Weights w) {
        model.load(w);
        double[] p = Evaluator.probabilities(model, testCandidates, Math.max(plan.train().batchSize(), 32));
        int nan = 0;
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
                p[i] = 0.5;
                nan++;
            }
        }
        double[] patient = new double[test.size()];
        int[] label = new int[test.size()];
        List<Double> cp = new ArrayList<>();
        List<Integer> cy = new ArrayList<>();
        int at = 0;
        for (int k = 0; k < test.size(); k++) {
            LesionPatient pt = test.get(k);
            int n = pt.candidates().size();
            patient[k] = LesionEvaluator.combine(Arrays.copyOfRange(p, at, at + n), plan.patch());
            label[k] = pt.label();
            if (pt.annotated()) {
                for (int c = at; c < at + n; c++) {
                    cp.add(p[c]);
                    cy.add(testCandidates.label(c));
                }
            }
            at += n;
        }
        double candidateAuc = BinaryMetrics.auc(cp.stream().mapToDouble(Double::doubleValue).toArray(),
                cy.stream().mapToInt(Integer::intValue).toArray());
        return new Score(BinaryMetrics.auc(patient, label), candidateAuc, nan);
    }

    private static boolean finite(Weights w) {
        for (Tensor t : w.tensors()) {
            if (t.dtype() != DType.F32) continue;
            for (float v : t.floats()) if (!Float.isFinite(v)) return false;
        }
        return true;
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    }

    @Override
    public void close() {
        model.close();
    }
}
