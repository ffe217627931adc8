package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.lungfl.core.aggregation.LocalTensors;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensorsFile;

/**
 * Screens every upload before it is queued, whatever the strategy: the L2 norm of its delta
 * (weights minus its base version, over the tensors the strategy aggregates) is compared with
 * the median norm of the updates that passed while the global model was at one of the last
 * {@code rounds} versions. An update more than {@code factor} times that median is refused with
 * 422 or quarantined (kept aside by the store, never aggregated, listed in {@code /status}), as
 * the plan says; until {@code min_updates} norms are known every update passes. Each decision is
 * audited as {@code screened} with the norms; the store keeps the norms ({@link ScreeningRecords}).
 * Only outliers upwards are screened: a small delta (a site that has converged, or trained little)
 * can only pull the model towards where it is.
 */
final class UpdateScreening {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What became of an upload. */
    record Verdict(boolean quarantined, String reason) {
        static final Verdict PASS = new Verdict(false, null);
    }

    private final AggregationOptions.Screening config;
    private final List<TensorSpec> screened;
    private final FederationStore store;
    private final ScreeningRecords records;

    UpdateScreening(FederationPlan plan, FederationStore store) {
        this.config = plan.aggregation().screening();
        this.screened = LocalTensors.aggregatedFloats(plan.modelSpec().tensors(), plan.aggregation().fedbn());
        this.store = store;
        this.records = store.screening();
    }

    /**
     * Passes an upload, quarantines it (durably, before this returns), or refuses it with 422. A
     * retried upload that was quarantined is quarantined again without a second copy.
     */
    Verdict screen(UpdateValidator.Update u, Path body, String address) throws IOException {
        JsonNode q = records.quarantined(u.clientId(), u.updateId());
        if (q != null) return new Verdict(true, q.path("reason").asText());
        long global = store.latestVersion();
        double norm;
        try {
            norm = deltaNorm(body, u.baseVersion());
        } catch (java.nio.file.NoSuchFileException | IllegalArgumentException gone) {
            // The base version is not kept (any more): the queue refuses it with 409 next.
            return Verdict.PASS;
        }
        List<Double> recent = records.passedNorms(global - config.rounds());
        int known = recent.size();
        double reference = known == 0 ? Double.NaN : median(recent);
        boolean learning = known < config.minUpdates();
        // A zero reference (updates that did not move the model) says nothing about scale: nothing is an outlier by it.
        boolean outlier = !learning && reference > 0 && norm > config.factor() * reference;
        String decision = !outlier ? "pass" : config.rejects() ? "reject" : "quarantine";
        String reason = !outlier ? null : String.format("delta norm %.4g is %.1f x the median %.4g of the %d updates accepted in the last %d"
                + " round(s) (limit %.1f x)", norm, norm / reference, reference, known, config.rounds(), config.factor());
        ObjectNode e = AuditLog.event("screened");
        e.put("client_id", u.clientId()).put("update_id", u.updateId()).put("base_version", u.baseVersion()).put("global_version", global)
                .put("address", address).put("delta_norm", norm).put("reference_norm", learning ? null : reference)
                .put("norms_known", known).put("factor", config.factor()).put("decision", decision);
        if (reason != null) e.put("reason", reason);
        switch (decision) {
            case "pass" -> {
                records.passed(e, global, norm);
                return Verdict.PASS;
            }
            case "reject" -> {
                records.rejected(e);
                throw ApiException.invalid(reason + "; the update is refused (aggregation.screening)");
            }
            default -> {
                records.quarantine(e, u, body);
                return new Verdict(true, reason);
            }
        }
    }

    /** ‖θ − w_b‖₂ over the screened tensors, in double precision. */
    private double deltaNorm(Path body, long base) throws IOException {
        if (!store.isKept(base)) throw new IllegalArgumentException("base version " + base + " not kept");
        double sum = 0;
        try (SafeTensorsFile a = SafeTensorsFile.open(body); SafeTensorsFile b = store.openVersion(base)) {
            for (TensorSpec t : screened) {
                float[] x = a.read(t.name()).floats();
                float[] y = b.read(t.name()).floats();
                for (int j = 0; j < x.length; j++) {
                    double d = (double) x[j] - y[j];
                    sum += d * d;
                }
            }
        }
        return Math.sqrt(sum);
    }

    private static double median(List<Double> norms) {
        double[] v = norms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int k = v.length;
        return k % 2 == 1 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }

    /** For {@code /status}: the rule, the current reference norm and the quarantined updates. */
    ObjectNode status() throws IOException {
        long global = store.latestVersion();
        List<Double> recent = records.passedNorms(global - config.rounds());
        ObjectNode s = JSON.createObjectNode();
        s.put("factor", config.factor()).put("rounds", config.rounds()).put("min_updates", config.minUpdates()).put("action", config.action())
                .put("norms_known", recent.size());
        if (recent.size() >= config.minUpdates()) s.put("reference_norm", median(recent));
        else s.putNull("reference_norm");
        ArrayNode q = s.putArray("quarantined");
        for (JsonNode e : records.quarantinedAll()) {
            q.addObject().put("client_id", e.path("client_id").asText()).put("update_id", e.path("update_id").asText())
                    .put("base_version", e.path("base_version").asLong()).put("delta_norm", e.path("delta_norm").asDouble())
                    .put("reference_norm", e.path("reference_norm").asDouble()).put("at", e.path("time").asText(Instant.EPOCH.toString()))
                    .put("reason", e.path("reason").asText());
        }
        return s;
    }
}
