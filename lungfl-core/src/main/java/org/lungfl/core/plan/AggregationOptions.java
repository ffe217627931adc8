package org.lungfl.core.plan;

import static org.lungfl.core.plan.FederationPlan.require;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The optional parts of a plan's {@code aggregation} section: each strategy's parameters, update
 * screening, FedBN and differential privacy, with their defaults (docs/aggregation.md). A plan
 * written before they existed ({@code {"strategy": "fedavg", "staleness_exponent": 0.5}}) reads
 * as before, with screening at its defaults.
 */
public final class AggregationOptions {
    public static final String FEDAVG = "fedavg";
    public static final String TRIMMED_MEAN = "trimmed-mean";
    public static final String MEDIAN = "median";
    public static final String KRUM = "krum";
    public static final String MULTI_KRUM = "multi-krum";
    public static final String CLIPPED_FEDAVG = "clipped-fedavg";
    public static final String FEDADAM = "fedadam";
    public static final String FEDYOGI = "fedyogi";
    public static final List<String> STRATEGIES = List.of(FEDAVG, TRIMMED_MEAN, MEDIAN, KRUM, MULTI_KRUM, CLIPPED_FEDAVG, FEDADAM, FEDYOGI);
    /** Strategies whose result is a mean of deltas, to which DP-FedAvg's clipping and noise apply. */
    public static final List<String> DP_STRATEGIES = List.of(FEDAVG, FEDADAM, FEDYOGI);

    private AggregationOptions() {}

    /** {@code trimmed-mean}: drop the {@code trim_fraction}·K largest and smallest values of each coordinate. */
    public record TrimmedMean(@JsonProperty("trim_fraction") double trimFraction) {
        public static final TrimmedMean DEFAULT = new TrimmedMean(0.2);

        public TrimmedMean {
            require(trimFraction >= 0 && trimFraction < 0.5, "aggregation.trimmed_mean.trim_fraction", "must be in [0, 0.5), not " + trimFraction);
        }
    }

    /**
     * {@code krum} / {@code multi-krum}: {@code byzantine_clients} = f, the attackers assumed among
     * the K of a round (needs K ≥ 2f + 3); {@code selected} = m, how many updates multi-krum averages
     * (0: K − f). Krum itself selects one.
     */
    public record Krum(@JsonProperty("byzantine_clients") int byzantineClients, @JsonProperty("selected") int selected) {
        public static final Krum DEFAULT = new Krum(1, 0);

        public Krum {
            require(byzantineClients >= 0, "aggregation.krum.byzantine_clients", "must be >= 0, not " + byzantineClients);
            require(selected >= 0, "aggregation.krum.selected", "must be >= 0 (0: K − f), not " + selected);
        }

        /** The fewest updates a round needs: every candidate must have K − f − 2 ≥ 1 neighbours. */
        public int minimumClients() {
            return 2 * byzantineClients + 3;
        }
    }

    /**
     * {@code clipped-fedavg}: each delta is scaled down to at most {@code norm} (L2 over the whole
     * update), or, with {@code norm} 0, to {@code median_multiple} × the median delta norm of the round.
     */
    public record Clipping(@JsonProperty("norm") double norm, @JsonProperty("median_multiple") double medianMultiple) {
        public static final Clipping DEFAULT = new Clipping(0, 1.0);

        public Clipping {
            require(norm >= 0 && Double.isFinite(norm), "aggregation.clipping.norm", "must be a finite number >= 0 (0: adaptive), not " + norm);
            require(medianMultiple > 0 && Double.isFinite(medianMultiple), "aggregation.clipping.median_multiple",
                    "must be a finite number > 0, not " + medianMultiple);
        }

        public boolean adaptive() {
            return norm == 0;
        }
    }

    /** {@code fedadam} / {@code fedyogi} (Reddi et al. 2021): server learning rate η, β₁, β₂ and adaptivity τ. */
    public record ServerOptimizer(@JsonProperty("learning_rate") double learningRate, @JsonProperty("beta1") double beta1,
            @JsonProperty("beta2") double beta2, @JsonProperty("tau") double tau) {
        public static final ServerOptimizer DEFAULT = new ServerOptimizer(0.01, 0.9, 0.99, 1e-3);

        public ServerOptimizer {
            require(learningRate > 0 && Double.isFinite(learningRate), "aggregation.server_optimizer.learning_rate",
                    "must be a finite number > 0, not " + learningRate);
            require(beta1 >= 0 && beta1 < 1, "aggregation.server_optimizer.beta1", "must be in [0, 1), not " + beta1);
            require(beta2 >= 0 && beta2 < 1, "aggregation.server_optimizer.beta2", "must be in [0, 1), not " + beta2);
            require(tau > 0 && Double.isFinite(tau), "aggregation.server_optimizer.tau", "must be a finite number > 0, not " + tau);
        }
    }

    /**
     * Update screening, on for every strategy: an upload whose delta norm exceeds {@code factor} ×
     * the median norm of the updates accepted in the last {@code rounds} rounds is refused (422) or
     * quarantined, per {@code action}; it applies once {@code min_updates} norms are known.
     */
    public record Screening(@JsonProperty("factor") double factor, @JsonProperty("rounds") int rounds,
            @JsonProperty("min_updates") int minUpdates, @JsonProperty("action") String action) {
        public static final String REJECT = "reject";
        public static final String QUARANTINE = "quarantine";
        public static final Screening DEFAULT = new Screening(5.0, 5, 3, QUARANTINE);

        public Screening {
            require(factor > 1 && Double.isFinite(factor), "aggregation.screening.factor", "must be a finite number > 1, not " + factor);
            require(rounds >= 1, "aggregation.screening.rounds", "must be >= 1, not " + rounds);
            require(minUpdates >= 1, "aggregation.screening.min_updates", "must be >= 1, not " + minUpdates);
            require(REJECT.equals(action) || QUARANTINE.equals(action), "aggregation.screening.action",
                    "must be '" + REJECT + "' or '" + QUARANTINE + "', not '" + action + "'");
        }

        public boolean rejects() {
            return REJECT.equals(action);
        }
    }

    /**
     * DP-FedAvg (McMahan et al. 2018): deltas clipped to {@code clip_norm} C, Gaussian noise of
     * standard deviation {@code noise_multiplier}·C added to their sum; ε is reported for {@code delta}.
     */
    public record DifferentialPrivacy(@JsonProperty("clip_norm") double clipNorm, @JsonProperty("noise_multiplier") double noiseMultiplier,
            @JsonProperty("delta") double delta) {
        public static final double DEFAULT_DELTA = 1e-5;

        public DifferentialPrivacy {
            require(clipNorm > 0 && Double.isFinite(clipNorm), "aggregation.dp.clip_norm", "must be a finite number > 0, not " + clipNorm);
            require(noiseMultiplier > 0 && Double.isFinite(noiseMultiplier), "aggregation.dp.noise_multiplier",
                    "must be a finite number > 0, not " + noiseMultiplier);
            require(delta > 0 && delta < 1, "aggregation.dp.delta", "must be in (0, 1), not " + delta);
        }
    }

    /** The whole section, strictly: unknown fields and wrong types are refused with the field's path. */
    static FederationPlan.Aggregation read(JsonNode node) {
        StrictFields a = StrictFields.of(node, "aggregation");
        String strategy = a.text("strategy", null);
        double staleness = a.number("staleness_exponent", 0.5);
        StrictFields tm = a.object("trimmed_mean");
        TrimmedMean trimmed = tm == null ? null : new TrimmedMean(tm.number("trim_fraction", TrimmedMean.DEFAULT.trimFraction()));
        StrictFields k = a.object("krum");
        Krum krum = k == null ? null : new Krum(k.integer("byzantine_clients", Krum.DEFAULT.byzantineClients()),
                k.integer("selected", Krum.DEFAULT.selected()));
        StrictFields c = a.object("clipping");
        Clipping clipping = c == null ? null : new Clipping(c.number("norm", Clipping.DEFAULT.norm()),
                c.number("median_multiple", Clipping.DEFAULT.medianMultiple()));
        StrictFields o = a.object("server_optimizer");
        ServerOptimizer opt = o == null ? null : new ServerOptimizer(o.number("learning_rate", ServerOptimizer.DEFAULT.learningRate()),
                o.number("beta1", ServerOptimizer.DEFAULT.beta1()), o.number("beta2", ServerOptimizer.DEFAULT.beta2()),
                o.number("tau", ServerOptimizer.DEFAULT.tau()));
        StrictFields s = a.object("screening");
        Screening screening = s == null ? null : new Screening(s.number("factor", Screening.DEFAULT.factor()),
                s.integer("rounds", Screening.DEFAULT.rounds()), s.integer("min_updates", Screening.DEFAULT.minUpdates()),
                s.text("action", Screening.DEFAULT.action()));
        boolean fedbn = a.bool("fedbn", false);
        StrictFields d = a.object("dp");
        DifferentialPrivacy dp = d == null ? null : new DifferentialPrivacy(d.number("clip_norm", null), d.number("noise_multiplier", null),
                d.number("delta", DifferentialPrivacy.DEFAULT_DELTA));
        for (StrictFields f : new StrictFields[] {tm, k, c, o, s, d}) if (f != null) f.noOthers();
        a.noOthers();
        return new FederationPlan.Aggregation(strategy, staleness, trimmed, krum, clipping, opt, screening, fedbn, dp);
    }
}
