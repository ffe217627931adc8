package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.weights.SafeTensorsFile;
import org.slf4j.LoggerFactory;

/**
 * Screening records in a data dir: the norms and quarantine decisions are rebuilt from the audit
 * log's {@code screened} lines at start; quarantined updates are kept in {@code quarantined-updates/}.
 */
final class FileScreeningRecords implements ScreeningRecords {
    static final String DIR = "quarantined-updates";

    private record Norm(long globalVersion, double norm) {}

    private final AuditLog audit;
    private final Path dir;
    private final int rounds;
    private final Deque<Norm> passed = new ArrayDeque<>();
    /** Quarantined updates by idempotency key, oldest first: their audit lines. */
    private final Map<String, JsonNode> quarantined = new LinkedHashMap<>();

    /** @param rounds the screening window: norms from longer ago are forgotten */
    FileScreeningRecords(Path dataDir, AuditLog audit, int rounds, long latestVersion) throws IOException {
        this.audit = audit;
        this.dir = dataDir.resolve(DIR);
        this.rounds = rounds;
        AuditLog.scan(dataDir, e -> {
            if (!e.path("event").asText().equals("screened")) return;
            String decision = e.path("decision").asText();
            if (decision.equals("pass") && e.hasNonNull("delta_norm")) {
                passed.addLast(new Norm(e.path("global_version").asLong(), e.path("delta_norm").asDouble()));
            } else if (decision.equals("quarantine")) {
                quarantined.put(QueuedUpdate.key(e.path("client_id").asText(), e.path("update_id").asText()), e);
            }
        });
        forgetBefore(latestVersion - rounds);
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

    private void forgetBefore(long oldest) {
        while (!passed.isEmpty() && passed.peekFirst().globalVersion() <= oldest) passed.removeFirst();
    }

    @Override
    public synchronized List<Double> passedNorms(long afterGlobalVersion) {
        // Nothing older than the window is ever asked for again: the global version only grows.
        forgetBefore(afterGlobalVersion - rounds);
        List<Double> out = new ArrayList<>();
        for (Norm n : passed) if (n.globalVersion() > afterGlobalVersion) out.add(n.norm());
        return out;
    }

    @Override
    public void passed(ObjectNode event, long globalVersion, double norm) {
        audit.append(event, false);
        synchronized (this) {
            passed.addLast(new Norm(globalVersion, norm));
        }
    }

    @Override
    public void rejected(ObjectNode event) {
        audit.append(event, false);
    }

    @Override
    public synchronized JsonNode quarantined(String clientId, String updateId) {
        return quarantined.get(QueuedUpdate.key(clientId, updateId));
    }

    @Override
    public void quarantine(ObjectNode event, UpdateValidator.Update u, Path body) throws IOException {
        Files.createDirectories(dir);
        DurableFiles.write(dir.resolve(u.clientId() + "--" + u.updateId() + ".safetensors"), Files.readAllBytes(body));
        audit.append(event, true);
        synchronized (this) {
            quarantined.put(QueuedUpdate.key(u.clientId(), u.updateId()), event);
        }
    }

    @Override
    public synchronized List<JsonNode> quarantinedAll() {
        return List.copyOf(quarantined.values());
    }
}
