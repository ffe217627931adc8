package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.privacy.RdpAccountant;

/**
 * DP-FedAvg's privacy ledger. Every version made with DP carries in its metadata the round's noise
 * multiplier σ and clip norm C, and the running Σ 1/σ_t² over every DP round so far; ε for the
 * plan's δ follows from that one number ({@link RdpAccountant#gaussianEpsilon}). Because it
 * travels with the versions, a backup server that adopts them continues the same account.
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
    private static final int KEPT = 1000;

    private final AggregationOptions.DifferentialPrivacy dp;
    /** Per version, the DP metadata of the versions made or adopted (absent: made without DP). */
    private final TreeMap<Long, Map<String, String>> byVersion = new TreeMap<>();
    private long roundsWithoutDp;

    PrivacyAccounting(AggregationOptions.DifferentialPrivacy dp, Path dataDir) throws IOException {
        this.dp = dp;
        AuditLog.scan(dataDir, e -> {
            String event = e.path("event").asText();
            if (event.equals("aggregated") || event.equals("synced")) remember(e.path("version").asLong(), fromAudit(e));
        });
    }

    private static Map<String, String> fromAudit(JsonNode e) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : new String[] {NOISE, CLIP, SUM, ROUNDS, EPSILON, DELTA}) if (e.hasNonNull(k)) m.put(k, e.get(k).asText());
        return m;
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

    /** Records a committed or adopted version's DP metadata (only the {@code dp_} entries are read). */
    synchronized void remember(long version, Map<String, String> meta) {
        Map<String, String> m = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("dp_")) m.put(k, v);
        });
        Map<String, String> old = byVersion.put(version, m);
        if (old != null && !old.containsKey(EPSILON)) roundsWithoutDp--;
        if (!m.containsKey(EPSILON)) roundsWithoutDp++;
        // The history shows the last 100 versions; the account itself travels in the newest one.
        while (byVersion.size() > KEPT) byVersion.pollFirstEntry();
    }

    /** {@code {epsilon, delta, noise_multiplier, clip_norm, dp_rounds}} for a version made with DP, else null. */
    synchronized ObjectNode at(long version) {
        Map<String, String> m = byVersion.get(version);
        if (m == null || !m.containsKey(EPSILON)) return null;
        ObjectNode n = JSON.createObjectNode();
        n.put("epsilon", Double.parseDouble(m.get(EPSILON))).put("delta", Double.parseDouble(m.get(DELTA)))
                .put("noise_multiplier", Double.parseDouble(m.get(NOISE))).put("clip_norm", Double.parseDouble(m.get(CLIP)))
                .put("dp_rounds", Long.parseLong(m.get(ROUNDS)));
        return n;
    }

    /** For {@code /status}: the plan's DP settings and the account after the latest version; null when DP was never used. */
    synchronized ObjectNode status(long latestVersion) {
        boolean used = byVersion.values().stream().anyMatch(m -> m.containsKey(EPSILON));
        if (dp == null && !used) return null;
        ObjectNode n = JSON.createObjectNode();
        n.put("mechanism", "DP-FedAvg: Gaussian noise on the sum of clipped deltas").put("enabled", dp != null);
        if (dp != null) n.put("noise_multiplier", dp.noiseMultiplier()).put("clip_norm", dp.clipNorm());
        n.put("sampling_rate", 1.0).put("adjacency", "one site's update added or removed (zeroed)");
        Map<String, String> last = byVersion.isEmpty() ? Map.of() : byVersion.lastEntry().getValue();
        long rounds = Long.parseLong(last.getOrDefault(ROUNDS, "0"));
        double sum = Double.parseDouble(last.getOrDefault(SUM, "0"));
        // The plan's δ; with DP switched off since, the δ of the last DP round.
        double delta = dp != null ? dp.delta() : Double.parseDouble(last.getOrDefault(DELTA, Double.toString(AggregationOptions.DifferentialPrivacy.DEFAULT_DELTA)));
        n.put("version", latestVersion).put("dp_rounds", rounds).put("rounds_without_dp", roundsWithoutDp)
                .put("epsilon", RdpAccountant.gaussianEpsilon(sum, delta)).put("delta", delta);
        return n;
    }
}
