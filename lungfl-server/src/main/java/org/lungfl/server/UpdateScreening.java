package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.aggregation.LocalTensors;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.SafeTensorsFile;
import org.lungfl.core.weights.Weights;
import org.slf4j.LoggerFactory;

/**
 * Screens every upload before it is queued, whatever the strategy: the L2 norm of its delta
 * (weights minus its base version, over the tensors the strategy aggregates) is compared with
 * the median norm of the updates that passed while the global model was at one of the last
 * {@code rounds} versions. An update more than {@code factor} times that median is refused with
 * 422 or quarantined (kept in {@code quarantined-updates/}, never aggregated, listed in
 * {@code /status}), as the plan says; until {@code min_updates} norms are known every update
 * passes. Each decision is audited as {@code screened} with the norms, and the history of norms is
 * rebuilt from those audit lines at start. Only outliers upwards are screened: a small delta (a
 * site that has converged, or trained little) can only pull the model towards where it is.
 */
final class UpdateScreening {
    static final String DIR = "quarantined-updates";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What became of an upload. */
    record Verdict(boolean quarantined, String reason) {
        static final Verdict PASS = new Verdict(false, null);
    }

    private record Norm(long globalVersion, double norm) {}

    private final AggregationOptions.Screening config;
    private final List<TensorSpec> screened;
    private final ModelStore models;
    private final AuditLog audit;
    private final Path dir;
    private final Deque<Norm> passed = new ArrayDeque<>();
    /** Quarantined updates by idempotency key, oldest first: their audit lines. */
    private final Map<String, ObjectNode> quarantined = new LinkedHashMap<>();

    UpdateScreening(Path dataDir, FederationPlan plan, ModelStore models, AuditLog audit) throws IOException {
        this.config = plan.aggregation().screening();
        this.screened = LocalTensors.aggregatedFloats(plan.modelSpec().tensors(), plan.aggregation().fedbn());
        this.models = models;
        this.audit = audit;
        this.dir = dataDir.resolve(DIR);
        AuditLog.scan(dataDir, e -> {
            if (!e.path("event").asText().equals("screened")) return;
            String decision = e.path("decision").asText();
            if (decision.equals("pass") && e.hasNonNull("delta_norm")) {
                passed.addLast(new Norm(e.path("global_version").asLong(), e.path("delta_norm").asDouble()));
            } else if (decision.equals("quarantine")) {
                quarantined.put(QueuedUpdate.key(e.path("client_id").asText(), e.path("update_id").asText()), (ObjectNode) e);
            }
        });
        forgetOld(models.latestVersion());
        adoptUnaudited();
    }

    /** A kill between keeping a quarantined file and auditing it leaves a file the audit does not know: audit it now. */
    private void adoptUnaudited() throws IOException {
        if (!Files.isDirectory(dir)) return;
        DurableFiles.removeTemps(dir);
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        for (Path f : files) {
            Map<String, String> meta;
            try (SafeTensorsFile sf = SafeTensorsFile.open(f)) {
                meta = sf.metadata();
            } catch (IOException | RuntimeException unreadable) {
                // Written atomically, so only a damaged disk does this: the server must start anyway.
                LoggerFactory.getLogger("org.lungfl.server.aggregation").warn("quarantined update {} is unreadable: {}", f, unreadable.toString());
                continue;
            }
            String key = QueuedUpdate.key(meta.get("client_id"), meta.get("update_id"));
            if (quarantined.containsKey(key)) continue;
            ObjectNode e = AuditLog.event("screened");
            e.put("client_id", meta.get("client_id")).put("update_id", meta.get("update_id"))
                    .put("base_version", Long.parseLong(meta.getOrDefault("base_version", "-1"))).put("decision", "quarantine")
                    .put("recovered", true).put("reason", "quarantined just before a crash; its norms were not recorded");
            audit.append(e, true);
            quarantined.put(key, e);
        }
    }

    /** Drops the norms from before the window (caller holds the lock, or is the constructor). */
    private void forgetOld(long global) {
        while (!passed.isEmpty() && passed.peekFirst().globalVersion() <= global - config.rounds()) passed.removeFirst();
    }

    /**
     * Passes an upload, quarantines it (durably, before this returns), or refuses it with 422. A
     * retried upload that was quarantined is quarantined again without a second copy.
     */
    Verdict screen(UpdateValidator.Update u, Path body, String address) throws IOException {
        String key = QueuedUpdate.key(u.clientId(), u.updateId());
        synchronized (this) {
            ObjectNode q = quarantined.get(key);
            if (q != null) return new Verdict(true, q.path("reason").asText());
        }
        long global = models.latestVersion();
        double norm;
        try {
            norm = deltaNorm(body, u.baseVersion());
        } catch (java.nio.file.NoSuchFileException | IllegalArgumentException gone) {
            // The base version is not kept (any more): the queue refuses it with 409 next.
            return Verdict.PASS;
        }
        double reference;
        int known;
        synchronized (this) {
            forgetOld(global);
            known = passed.size();
            reference = known == 0 ? Double.NaN : median(passed);
        }
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
                audit.append(e, false);
                synchronized (this) {
                    passed.addLast(new Norm(global, norm));
                }
                return Verdict.PASS;
            }
            case "reject" -> {
                audit.append(e, false);
                throw ApiException.invalid(reason + "; the update is refused (aggregation.screening)");
            }
            default -> {
                Files.createDirectories(dir);
                DurableFiles.write(dir.resolve(u.clientId() + "--" + u.updateId() + ".safetensors"), Files.readAllBytes(body));
                audit.append(e, true);
                synchronized (this) {
                    quarantined.put(key, e);
                }
                return new Verdict(true, reason);
            }
        }
    }

    /** ‖θ − w_b‖₂ over the screened tensors, in double precision. */
    private double deltaNorm(Path body, long base) throws IOException {
        if (!models.isKept(base)) throw new IllegalArgumentException("base version " + base + " not kept");
        double sum = 0;
        try (SafeTensorsFile a = SafeTensorsFile.open(body); SafeTensorsFile b = SafeTensorsFile.open(models.path(base))) {
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

    private static double median(Deque<Norm> norms) {
        double[] v = norms.stream().mapToDouble(Norm::norm).sorted().toArray();
        int k = v.length;
        return k % 2 == 1 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }

    /** For {@code /status}: the rule, the current reference norm and the quarantined updates. */
    synchronized ObjectNode status() {
        long global = models.latestVersion();
        List<Norm> recent = new ArrayList<>();
        for (Norm n : passed) if (n.globalVersion() > global - config.rounds()) recent.add(n);
        ObjectNode s = JSON.createObjectNode();
        s.put("factor", config.factor()).put("rounds", config.rounds()).put("min_updates", config.minUpdates()).put("action", config.action())
                .put("norms_known", recent.size());
        if (recent.size() >= config.minUpdates()) s.put("reference_norm", median(new ArrayDeque<>(recent)));
        else s.putNull("reference_norm");
        ArrayNode q = s.putArray("quarantined");
        for (JsonNode e : quarantined.values()) {
            q.addObject().put("client_id", e.path("client_id").asText()).put("update_id", e.path("update_id").asText())
                    .put("base_version", e.path("base_version").asLong()).put("delta_norm", e.path("delta_norm").asDouble())
                    .put("reference_norm", e.path("reference_norm").asDouble()).put("at", e.path("time").asText(Instant.EPOCH.toString()))
                    .put("reason", e.path("reason").asText());
        }
        return s;
    }
}
