package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.privacy.RdpAccountant;

/**
 * DP-FedAvg's privacy ledger. Every version made with DP carries in its metadata the round's noise
 * multiplier σ and clip norm C, and the running Σ 1/σ_t² over every DP round so far; ε for the
 * plan's δ follows from that one number ({@link RdpAccountant#gaussianEpsilon}). Because it
 * travels with the versions, a backup server that adopts them continues the same account, and every
 * replica of a shared store reads the same one.
 *
 * <p>What is assumed, exactly: each round adds N(0, σ²C²) to the sum of deltas clipped to C, so
 * adding or removing one site's update changes the sum by at most C; every site may take part in
 * every round (sampling rate q = 1: the server takes whoever uploads, it does not sample at
 * random, so no amplification by sampling is claimed), and ε is composed over all DP rounds, as if
 * every site had taken part in each. A version made without DP adds no ε but is counted in
 * {@code rounds_without_dp}: the sites that contributed to it have no guarantee for that round.
 */
final class PrivacyAccounting {
    static final String NOISE = "dp_noise_multiplier";
    static final String CLIP = "dp_clip_norm";
    static final String SUM = "dp_inverse_noise_squared_sum";
    static final String ROUNDS = "dp_rounds";
    static final String EPSILON = "dp_epsilon";
    static final String DELTA = "dp_delta";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AggregationOptions.DifferentialPrivacy dp;

    PrivacyAccounting(AggregationOptions.DifferentialPrivacy dp) {
        this.dp = dp;
    }

    /** The DP metadata of the version a round makes on top of a version with metadata {@code previous}. */
    Map<String, String> next(Map<String, String> previous) {
        Map<String, String> m = new LinkedHashMap<>();
        double sum = Double.parseDouble(previous.getOrDefault(SUM, "0"));
        long rounds = Long.parseLong(previous.getOrDefault(ROUNDS, "0"));
        if (dp != null) {
            sum += 1 / (dp.noiseMultiplier() * dp.noiseMultiplier());
            rounds++;
            m.put(NOISE, Double.toString(dp.noiseMultiplier()));
            m.put(CLIP, Double.toString(dp.clipNorm()));
            m.put(DELTA, Double.toString(dp.delta()));
            m.put(EPSILON, Double.toString(RdpAccountant.gaussianEpsilon(sum, dp.delta())));
        }
        // Once there has been a DP round its account is carried forward, so a later DP round adds to it.
        if (rounds > 0) {
            m.put(SUM, Double.toString(sum));
            m.put(ROUNDS, Long.toString(rounds));
            if (dp == null && previous.containsKey(DELTA)) m.put(DELTA, previous.get(DELTA));
        }
        return m;
    }

    /** Whether a version's metadata (or its audit event) says it was made with DP. */
    static boolean madeWithDp(Map<String, String> meta) {
        return meta.containsKey(EPSILON);
    }

    static boolean madeWithDp(JsonNode event) {
        return event.hasNonNull(EPSILON);
    }

    /** {@code {epsilon, delta, noise_multiplier, clip_norm, dp_rounds}} of a round's audit event when it was made with DP, else null. */
    static ObjectNode at(JsonNode roundEvent) {
        if (!madeWithDp(roundEvent)) return null;
        ObjectNode n = JSON.createObjectNode();
        n.put("epsilon", roundEvent.path(EPSILON).asDouble()).put("delta", roundEvent.path(DELTA).asDouble())
                .put("noise_multiplier", roundEvent.path(NOISE).asDouble()).put("clip_norm", roundEvent.path(CLIP).asDouble())
                .put("dp_rounds", roundEvent.path(ROUNDS).asLong());
        return n;
    }

    /**
     * For {@code /status}: the plan's DP settings and the account after the latest version (its
     * metadata {@code latest}), {@code roundsWithoutDp} of the recent versions made without DP; null
     * when DP was never used.
     */
    ObjectNode status(long latestVersion, Map<String, String> latest, long roundsWithoutDp) {
        long rounds = Long.parseLong(latest.getOrDefault(ROUNDS, "0"));
        if (dp == null && rounds == 0) return null;
        ObjectNode n = JSON.createObjectNode();
        n.put("mechanism", "DP-FedAvg: Gaussian noise on the sum of clipped deltas").put("enabled", dp != null);
        if (dp != null) n.put("noise_multiplier", dp.noiseMultiplier()).put("clip_norm", dp.clipNorm());
        n.put("sampling_rate", 1.0).put("adjacency", "one site's update added or removed (zeroed)");
        double sum = Double.parseDouble(latest.getOrDefault(SUM, "0"));
        // The plan's δ; with DP switched off since, the δ of the last DP round.
        double delta = dp != null ? dp.delta() : Double.parseDouble(latest.getOrDefault(DELTA, Double.toString(AggregationOptions.DifferentialPrivacy.DEFAULT_DELTA)));
        n.put("version", latestVersion).put("dp_rounds", rounds).put("rounds_without_dp", roundsWithoutDp)
                .put("epsilon", RdpAccountant.gaussianEpsilon(sum, delta)).put("delta", delta);
        return n;
    }
}
