package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensorsFile;

/**
 * {@code lungfl server migrate --from-data-dir DIR --to postgresql://...}: copies a federation from
 * a data dir into an empty database, in one transaction: the kept versions (and the rows of older
 * ones, with their rounds and validation), the queue, every update id ever accepted (so a retry
 * after the move is still a duplicate), the tokens, the audit log (and the client table and
 * screening records it implies), the quarantined updates and the optimiser state. Before it
 * commits, the hash chain is checked in the database: every copied version's bytes hash to what
 * the data dir says, and each version's parent_hash is its predecessor's hash.
 */
public final class StoreMigration {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was copied. */
    public record Report(int versionsKept, int versionRows, int queued, int updateIds, int tokens, long auditEvents, int chainLinksChecked) {}

    private StoreMigration() {}

    public static Report copy(Path dataDir, String url, PrintStream progress) throws IOException {
        Path planFile = dataDir.resolve("plan.json");
        if (!Files.exists(planFile)) throw new UserFacingException(dataDir + " is not a LungFL data dir (no plan.json)");
        FederationPlan plan = FederationPlan.parse(Files.readAllBytes(planFile), planFile.toString());
        try (FileStore from = FileStore.open(dataDir, plan); PostgresStore to = PostgresStore.open(StoreUrl.parse(url, System.getenv()), plan)) {
            return to.db().tx(tx -> copy(from, to, tx, progress));
        }
    }

    private static Report copy(FileStore from, PostgresStore to, PgDatabase.Tx tx, PrintStream progress) throws SQLException, IOException {
        Connection c = tx.c;
        tx.lock(PgDatabase.ROUND_LOCK);
        requireEmpty(c, to);

        // The rounds and what each update became, from the audit log and the versions' own metadata.
        TreeMap<Long, ObjectNode> rounds = new TreeMap<>();
        Map<String, ObjectNode> received = new LinkedHashMap<>();
        Map<String, Long> countedIn = new HashMap<>();
        Map<String, String> endedAs = new HashMap<>();
        List<ObjectNode> events = new ArrayList<>();
        from.scanAudit(e -> {
            events.add((ObjectNode) e);
            String kind = e.path("event").asText();
            String key = QueuedUpdate.key(e.path("client_id").asText(), e.path("update_id").asText());
            switch (kind) {
                case "received" -> received.putIfAbsent(key, (ObjectNode) e);
                case "replaced" -> endedAs.put(key, "replaced");
                case "unmirrored" -> endedAs.put(key, "dropped");
                case "cleared" -> {
                    for (JsonNode u : e.path("updates")) endedAs.put(QueuedUpdate.key(u.path("client_id").asText(), u.path("update_id").asText()), "cleared");
                }
                case "aggregated", "synced" -> {
                    rounds.put(e.path("version").asLong(), (ObjectNode) e);
                    for (JsonNode u : e.path("contributors")) {
                        countedIn.put(QueuedUpdate.key(u.path("client_id").asText(), u.path("update_id").asText()), e.path("version").asLong());
                    }
                }
                default -> { }
            }
        });

        // Versions: every version up to the latest gets its row; the kept ones their bytes, checked against their hash.
        long latest = from.latestVersion();
        int kept = 0;
        try (PreparedStatement del = c.prepareStatement("DELETE FROM versions WHERE version = 0 RETURNING blob_id")) {
            try (ResultSet r = del.executeQuery()) {
                if (r.next()) PgBlobs.delete(c, r.getLong(1));
            }
        }
        for (long v = 0; v <= latest; v++) {
            ObjectNode validation = from.validation(v);
            if (from.isKept(v)) {
                byte[] bytes = from.bytes(v).orElseThrow();
                PostgresStore.insertVersion(c, v, bytes, rounds.get(v), validation, from.hash(v));
                kept++;
            } else {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO versions (version, metadata, round_event, validation, made_with_dp)"
                        + " VALUES (?, '{}', ?::json, ?::json, ?)")) {
                    s.setLong(1, v);
                    s.setString(2, rounds.containsKey(v) ? rounds.get(v).toString() : null);
                    s.setString(3, validation == null ? null : validation.toString());
                    s.setBoolean(4, rounds.containsKey(v) && PrivacyAccounting.madeWithDp(rounds.get(v)));
                    s.executeUpdate();
                }
            }
        }
        progress.printf("versions: %d kept with their bytes, %d rows (0 to %d)%n", kept, latest + 1, latest);

        // The queue with its bytes, then every other update id ever accepted.
        Map<String, QueuedUpdate> queued = new LinkedHashMap<>();
        for (QueuedUpdate u : from.queued()) queued.put(u.key(), u);
        long maxSeq = 0;
        int ids = 0;
        try (PreparedStatement s = c.prepareStatement("INSERT INTO updates (seq, client_id, update_id, sha256, num_samples, base_version, address,"
                + " received_at, metrics, bytes, blob_id, state, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (QueuedUpdate u : queued.values()) {
                byte[] bytes = from.queuedBytes(u.seq()).orElseThrow();
                PgBlobs.Written blob = PgBlobs.write(c, bytes);
                insertUpdate(s, u.seq(), u.clientId(), u.updateId(), blob.sha256(), u.numSamples(), u.baseVersion(), u.address(), u.receivedAt(),
                        u.metrics(), bytes.length, blob.id(), "queued", null);
                maxSeq = Math.max(maxSeq, u.seq());
                ids++;
            }
            Map<String, JsonNode> accepted = new LinkedHashMap<>(received);
            for (ObjectNode r : rounds.values()) {
                for (JsonNode u : r.path("contributors")) accepted.putIfAbsent(QueuedUpdate.key(u.path("client_id").asText(), u.path("update_id").asText()), u);
            }
            for (Map.Entry<String, JsonNode> e : accepted.entrySet()) {
                if (queued.containsKey(e.getKey())) continue;
                JsonNode u = e.getValue();
                Long version = countedIn.get(e.getKey());
                String state = version != null ? "aggregated" : endedAs.getOrDefault(e.getKey(), "replaced");
                long seq = u.path("seq").asLong(0);
                maxSeq = Math.max(maxSeq, seq);
                Instant at = u.hasNonNull("time") ? Instant.parse(u.path("time").asText()) : Instant.EPOCH;
                insertUpdate(s, seq > 0 ? seq : null, u.path("client_id").asText(), u.path("update_id").asText(), u.path("sha256").asText(""),
                        u.path("num_samples").asLong(), u.path("base_version").asLong(), u.path("address").asText("unknown"), at, null,
                        u.path("bytes").asLong(0), null, state, version);
                ids++;
            }
        }
        tx.exec("SELECT setval('updates_seq_seq', " + Math.max(1, maxSeq) + ", " + (maxSeq > 0) + ")");
        progress.printf("queue: %d updates; %d update ids in all (a retry of any of them stays a duplicate)%n", queued.size(), ids);

        // Tokens (their hashes), the audit log in order with the client table and screening it implies.
        List<Tokens.Entry> tokens = from.tokens().list();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tokens (name, sha256, admin, created_at) VALUES (?, ?, ?, ?)")) {
            for (Tokens.Entry t : tokens) {
                s.setString(1, t.name());
                s.setString(2, t.sha256());
                s.setBoolean(3, t.admin());
                s.setString(4, t.createdAt());
                s.executeUpdate();
            }
        }
        Map<String, Path> quarantinedFiles = new HashMap<>();
        Path qdir = from.dataDir().resolve(FileScreeningRecords.DIR);
        if (Files.isDirectory(qdir)) {
            try (var files = Files.list(qdir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
                    try (SafeTensorsFile sf = SafeTensorsFile.open(f)) {
                        quarantinedFiles.put(QueuedUpdate.key(sf.metadata().get("client_id"), sf.metadata().get("update_id")), f);
                    }
                }
            }
        }
        try (PreparedStatement audit = c.prepareStatement("INSERT INTO audit (kind, event) VALUES (?, ?::json)");
                PreparedStatement screened = c.prepareStatement("INSERT INTO screening (client_id, update_id, global_version, decision, delta_norm,"
                        + " event, blob_id) VALUES (?, ?, ?, ?, ?, ?::json, ?) ON CONFLICT DO NOTHING")) {
            for (ObjectNode e : events) {
                PgClientRegistry.record(c, e);
                audit.setString(1, e.path("event").asText());
                audit.setString(2, e.toString());
                audit.addBatch();
                String decision = e.path("decision").asText();
                if (e.path("event").asText().equals("screened") && (decision.equals("pass") || decision.equals("quarantine"))) {
                    Long blob = null;
                    Path f = quarantinedFiles.get(QueuedUpdate.key(e.path("client_id").asText(), e.path("update_id").asText()));
                    if (decision.equals("quarantine") && f != null) blob = PgBlobs.write(c, Files.readAllBytes(f)).id();
                    screened.setString(1, e.path("client_id").asText());
                    screened.setString(2, e.path("update_id").asText());
                    screened.setLong(3, e.path("global_version").asLong());
                    screened.setString(4, decision);
                    screened.setDouble(5, e.path("delta_norm").asDouble());
                    screened.setString(6, e.toString());
                    if (blob == null) screened.setNull(7, java.sql.Types.BIGINT);
                    else screened.setLong(7, blob);
                    screened.executeUpdate();
                }
            }
            audit.executeBatch();
        }

        // The optimiser's moments of the newest versions, when the plan has a server optimiser.
        Path opt = from.dataDir().resolve(OptimizerStateFiles.DIR);
        if (Files.isDirectory(opt)) {
            try (var files = Files.list(opt); PreparedStatement s = c.prepareStatement("INSERT INTO optimizer_state (version, slot, blob_id) VALUES (?, ?, ?)")) {
                for (Path f : files.toList()) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("v(\\d{8})-([a-z]+)\\.safetensors").matcher(f.getFileName().toString());
                    if (!m.matches()) continue;
                    s.setLong(1, Long.parseLong(m.group(1)));
                    s.setString(2, m.group(2));
                    s.setLong(3, PgBlobs.write(c, Files.readAllBytes(f)).id());
                    s.executeUpdate();
                }
            }
        }

        int links = verifyChain(c, latest);
        ObjectNode done = AuditLog.event("migrated");
        done.put("from", from.dataDir().toAbsolutePath().toString()).put("global_version", latest).put("versions_kept", kept)
                .put("queued", queued.size()).put("update_ids", ids).put("tokens", tokens.size()).put("audit_events", events.size());
        to.appendAudit(tx, done);
        progress.printf("tokens: %d; audit: %d events; hash chain: %d links checked in the database%n", tokens.size(), events.size(), links);
        return new Report(kept, (int) latest + 1, queued.size(), ids, tokens.size(), events.size(), links);
    }

    private static void requireEmpty(Connection c, PostgresStore to) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT (SELECT count(*) FROM versions WHERE version > 0) + (SELECT count(*) FROM updates)"
                + " + (SELECT count(*) FROM tokens)"); ResultSet r = s.executeQuery()) {
            r.next();
            if (r.getLong(1) > 0) {
                throw new UserFacingException(to.describe() + " already holds a federation (versions, updates or tokens): migrate into an empty"
                        + " database only");
            }
        }
    }

    private static void insertUpdate(PreparedStatement s, Long seq, String client, String update, String sha, long samples, long base,
            String address, Instant at, String metrics, long bytes, Long blob, String state, Long version) throws SQLException {
        if (seq == null) s.setNull(1, java.sql.Types.BIGINT);
        else s.setLong(1, seq);
        s.setString(2, client);
        s.setString(3, update);
        s.setString(4, sha);
        s.setLong(5, samples);
        s.setLong(6, base);
        s.setString(7, address);
        s.setTimestamp(8, Timestamp.from(at));
        s.setString(9, metrics);
        s.setLong(10, bytes);
        if (blob == null) s.setNull(11, java.sql.Types.BIGINT);
        else s.setLong(11, blob);
        s.setString(12, state);
        if (version == null) s.setNull(13, java.sql.Types.BIGINT);
        else s.setLong(13, version);
        s.addBatch();
        s.executeBatch();
    }

    /**
     * In the database: each kept version's bytes hash to its recorded hash, and each version whose
     * parent is kept names that parent's hash. Returns the number of parent links checked.
     */
    private static int verifyChain(Connection c, long latest) throws SQLException, IOException {
        Map<Long, String> hashes = new HashMap<>();
        Map<Long, String> parents = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT v.version, v.sha256, v.parent_hash, b.sha256 FROM versions v JOIN blobs b"
                + " ON b.id = v.blob_id ORDER BY v.version"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                if (!r.getString(2).equals(r.getString(4))) throw new IOException("version " + r.getLong(1) + ": its bytes do not match its hash");
                hashes.put(r.getLong(1), r.getString(2));
                parents.put(r.getLong(1), r.getString(3));
            }
        }
        for (Map.Entry<Long, String> e : hashes.entrySet()) {
            try (PreparedStatement s = c.prepareStatement("SELECT data FROM blob_chunks WHERE blob_id = (SELECT blob_id FROM versions WHERE version = ?)"
                    + " ORDER BY idx")) {
                s.setLong(1, e.getKey());
                java.security.MessageDigest sha;
                try {
                    sha = java.security.MessageDigest.getInstance("SHA-256");
                } catch (java.security.NoSuchAlgorithmException x) {
                    throw new IllegalStateException(x);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) sha.update(r.getBytes(1));
                }
                if (!java.util.HexFormat.of().formatHex(sha.digest()).equals(e.getValue())) {
                    throw new IOException("version " + e.getKey() + ": the copied chunks do not hash to the version's hash");
                }
            }
        }
        int links = 0;
        for (long v = 1; v <= latest; v++) {
            if (!hashes.containsKey(v) || !hashes.containsKey(v - 1)) continue;
            if (!hashes.get(v - 1).equals(parents.get(v))) {
                throw new IOException("hash chain broken: version " + v + " names parent " + parents.get(v) + ", but version " + (v - 1) + " is "
                        + hashes.get(v - 1));
            }
            links++;
        }
        return links;
    }
}
