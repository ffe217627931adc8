package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.aggregation.ServerState;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.SafeTensorsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A federation in a PostgreSQL database, shared by any number of server replicas
 * (docs/scaling-out.md). Every step is one transaction that commits (synchronous commit) before the
 * server answers: an upload with its audit events; a round's version with its audit event, its
 * validation line, its optimiser state and the removal of the updates it counted. What keeps
 * replicas from stepping on each other:
 * <ul>
 *   <li>{@code updates (client_id, update_id)} is unique, and an upload holds an advisory lock on its
 *       client id: a retry on any replica is a duplicate, and a client has one queued row;
 *   <li>a round holds the {@code ROUND_LOCK} advisory lock and its updates' rows ({@code FOR UPDATE})
 *       from the moment it takes them to its commit: exactly one round at a time, and a replica killed
 *       mid-round leaves nothing (its transaction rolls back, the lock and the rows are free, and the
 *       next replica that finds K waiting runs the round);
 *   <li>pruning holds {@code PRUNE_LOCK} exclusively, an upload shares it while it checks its base
 *       version, so no version that a queued update needs is ever pruned;
 *   <li>audit rows are appended under {@code AUDIT_LOCK}, held to the commit, so their ids are in
 *       commit order and the dashboard's "events after id N" never misses one.
 * </ul>
 * Locks are always taken in the order client, rows, prune, audit, so no two transactions wait on each other.
 */
final class PostgresStore implements FederationStore {
    private static final Logger LOG = LoggerFactory.getLogger("org.lungfl.server.aggregation");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UPDATE_COLUMNS = "seq, client_id, update_id, num_samples, base_version, address, received_at, sha256, metrics";

    private final PgDatabase db;
    private final FederationPlan plan;
    private final Path incoming;
    private final PgTokens tokens;
    private final PgScreeningRecords screening;
    private final PgClientRegistry clients;
    /** The newest version's bytes, read once per version. */
    private volatile Latest latest;
    /** The round this server runs now, for the optimiser state it reads and writes (rounds run one at a time). */
    private volatile PgRound current;

    private PostgresStore(PgDatabase db, FederationPlan plan, Path incoming) {
        this.db = db;
        this.plan = plan;
        this.incoming = incoming;
        this.tokens = new PgTokens(db);
        this.screening = new PgScreeningRecords(this);
        this.clients = new PgClientRegistry(db);
    }

    /** Connects, brings the schema up to date, and creates the federation (plan, version 0) if the database is new. */
    static FederationStore open(String url, FederationPlan plan) throws IOException {
        return open(StoreUrl.parse(url, System.getenv()), plan);
    }

    static PostgresStore open(StoreUrl url, FederationPlan plan) throws IOException {
        PgDatabase db = new PgDatabase(url);
        Path incoming = null;
        try {
            PgMigrations.apply(db);
            init(db, plan);
            incoming = Files.createTempDirectory("lungfl-incoming-", DataDir.privateDirectory());
            return new PostgresStore(db, plan, incoming);
        } catch (IOException | RuntimeException e) {
            db.close();
            if (incoming != null) Files.deleteIfExists(incoming);
            if (e instanceof ApiException a && a.status() == 503) {
                throw new UserFacingException("cannot reach " + url.describe() + ": " + a.detail(), e);
            }
            throw e;
        }
    }

    /** Only the first start of a database writes the plan and version 0; every later one checks it runs the same plan. */
    private static void init(PgDatabase db, FederationPlan plan) throws IOException {
        db.tx(tx -> {
            tx.lock(PgDatabase.INIT_LOCK);
            try (PreparedStatement s = tx.c.prepareStatement("SELECT plan_name, plan_fingerprint FROM federation WHERE id = 1");
                    ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    if (!r.getString(2).equals(plan.fingerprint())) {
                        throw new UserFacingException(db.where() + " belongs to plan '" + r.getString(1) + "' (fingerprint "
                                + r.getString(2).substring(0, 12) + "), not to plan '" + plan.name() + "' (" + plan.fingerprint().substring(0, 12)
                                + "): start with that plan or use another database");
                    }
                    try (PreparedStatement u = tx.c.prepareStatement("UPDATE federation SET plan_name = ?, plan_json = ? WHERE id = 1")) {
                        u.setString(1, plan.name());
                        u.setBytes(2, plan.toJson());
                        u.executeUpdate();
                    }
                    return null;
                }
            }
            try (PreparedStatement s = tx.c.prepareStatement(
                    "INSERT INTO federation (id, plan_name, plan_fingerprint, plan_json) VALUES (1, ?, ?, ?)")) {
                s.setString(1, plan.name());
                s.setString(2, plan.fingerprint());
                s.setBytes(3, plan.toJson());
                s.executeUpdate();
            }
            // Version 0 is byte-identical to a file store's (no timestamp), so a migrated chain has the same root.
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("version", "0");
            meta.put("plan_fingerprint", plan.fingerprint());
            meta.put("contributors", "[]");
            insertVersion(tx.c, 0, SafeTensors.write(plan.initialWeights(), meta), null, null, null);
            LOG.info("{}: new federation for plan '{}', version 0 published", db.where(), plan.name());
            return null;
        });
    }

    /** Inserts a version from its bytes (version 0, a migrated one); returns its hash. */
    static String insertVersion(Connection c, long version, byte[] bytes, ObjectNode roundEvent, ObjectNode validation, String expectedHash)
            throws SQLException, IOException {
        PgBlobs.Written blob = PgBlobs.write(c, bytes);
        if (expectedHash != null && !expectedHash.equals(blob.sha256())) {
            throw new IOException("version " + version + " does not match its hash");
        }
        Map<String, String> meta = SafeTensors.read(bytes).metadata();
        insertVersionRow(c, version, blob, meta, roundEvent, validation);
        return blob.sha256();
    }

    private static void insertVersionRow(Connection c, long version, PgBlobs.Written blob, Map<String, String> meta, ObjectNode roundEvent,
            ObjectNode validation) throws SQLException, IOException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO versions (version, blob_id, sha256, parent_hash, metadata, round_event,"
                + " validation, made_with_dp) VALUES (?, ?, ?, ?, ?::json, ?::json, ?::json, ?)")) {
            s.setLong(1, version);
            s.setLong(2, blob.id());
            s.setString(3, blob.sha256());
            s.setString(4, meta.get("parent_hash"));
            s.setString(5, JSON.writeValueAsString(meta));
            s.setString(6, roundEvent == null ? null : roundEvent.toString());
            s.setString(7, validation == null ? null : validation.toString());
            s.setBoolean(8, PrivacyAccounting.madeWithDp(meta));
            s.executeUpdate();
        }
    }

    PgDatabase db() {
        return db;
    }

    @Override
    public boolean shared() {
        return true;
    }

    // ---- versions ----

    @Override
    public long latestVersion() throws IOException {
        return db.tx(tx -> latestVersion(tx.c));
    }

    private static long latestVersion(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT max(version) FROM versions"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    @Override
    public Latest latest() throws IOException {
        return db.tx(tx -> {
            long v = latestVersion(tx.c);
            Latest l = latest;
            if (l != null && l.version() == v) return l;
            byte[] bytes = PgBlobs.readAll(tx.c, blobOf(tx.c, v));
            l = new Latest(v, bytes, "\"v" + v + "-" + plan.fingerprint().substring(0, 12) + "\"");
            latest = l;
            return l;
        });
    }

    private static long blobOf(Connection c, long version) throws SQLException, IOException {
        try (PreparedStatement s = c.prepareStatement("SELECT blob_id FROM versions WHERE version = ? AND blob_id IS NOT NULL")) {
            s.setLong(1, version);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) throw new java.nio.file.NoSuchFileException("global version " + version + " is not kept");
                return r.getLong(1);
            }
        }
    }

    @Override
    public NavigableSet<Long> kept() throws IOException {
        return db.tx(tx -> kept(tx.c));
    }

    private static NavigableSet<Long> kept(Connection c) throws SQLException {
        NavigableSet<Long> out = new TreeSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM versions WHERE blob_id IS NOT NULL ORDER BY version");
                ResultSet r = s.executeQuery()) {
            while (r.next()) out.add(r.getLong(1));
        }
        return out;
    }

    @Override
    public boolean isKept(long version) throws IOException {
        return hash(version) != null;
    }

    @Override
    public String hash(long version) throws IOException {
        return db.tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT sha256 FROM versions WHERE version = ? AND blob_id IS NOT NULL")) {
                s.setLong(1, version);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
    }

    @Override
    public Map<String, String> metadata(long version) throws IOException {
        return db.tx(tx -> metadata(tx.c, version));
    }

    private static Map<String, String> metadata(Connection c, long version) throws SQLException, IOException {
        try (PreparedStatement s = c.prepareStatement("SELECT metadata FROM versions WHERE version = ?")) {
            s.setLong(1, version);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) throw new java.nio.file.NoSuchFileException("global version " + version);
                Map<String, String> m = new LinkedHashMap<>();
                JSON.readTree(r.getString(1)).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
                return m;
            }
        }
    }

    @Override
    public Optional<byte[]> bytes(long version) throws IOException {
        Latest l = latest;
        if (l != null && l.version() == version) return Optional.of(l.bytes());
        return db.tx(tx -> {
            try {
                return Optional.of(PgBlobs.readAll(tx.c, blobOf(tx.c, version)));
            } catch (java.nio.file.NoSuchFileException notKept) {
                return Optional.<byte[]>empty();
            }
        });
    }

    @Override
    public SafeTensorsFile openVersion(long version) throws IOException {
        // Outside a round (screening an upload): the bytes are read whole, which is one model's worth.
        byte[] b = bytes(version).orElseThrow(() -> new java.nio.file.NoSuchFileException("global version " + version + " is not kept"));
        return SafeTensorsFile.open("global version " + version, new BytesChannel(b), SafeTensors.Limits.DEFAULT);
    }

    // ---- the queue ----

    @Override
    public int queueSize() throws IOException {
        return db.tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT count(*) FROM updates WHERE state = 'queued'"); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        });
    }

    @Override
    public List<QueuedUpdate> queued() throws IOException {
        return db.tx(tx -> {
            List<QueuedUpdate> out = new ArrayList<>();
            try (PreparedStatement s = tx.c.prepareStatement("SELECT " + UPDATE_COLUMNS + " FROM updates WHERE state = 'queued' ORDER BY seq");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) out.add(update(r));
            }
            return out;
        });
    }

    private static QueuedUpdate update(ResultSet r) throws SQLException {
        return new QueuedUpdate(r.getLong(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5), r.getString(6),
                r.getTimestamp(7).toInstant(), r.getString(8), r.getString(9));
    }

    @Override
    public String acceptedHash(String clientId, String updateId) throws IOException {
        return db.tx(tx -> acceptedHash(tx.c, clientId, updateId));
    }

    private static String acceptedHash(Connection c, String clientId, String updateId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT sha256 FROM updates WHERE client_id = ? AND update_id = ?")) {
            s.setString(1, clientId);
            s.setString(2, updateId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    @Override
    public Enqueued enqueue(Candidate cand, QueueEvents events) throws IOException {
        UpdateValidator.Update u = cand.update();
        return db.tx(tx -> {
            Connection c = tx.c;
            // One upload of this client at a time, on every replica: the duplicate check and the slot are then exact.
            try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                s.setInt(1, PgDatabase.CLIENT_LOCK_SPACE);
                s.setString(2, u.clientId());
                s.execute();
            }
            String known = acceptedHash(c, u.clientId(), u.updateId());
            if (known != null) return new Enqueued.Duplicate(known);
            // The client's older queued update: its row is locked here, after a round that took it has committed.
            QueuedUpdate older = null;
            Long olderBlob = null;
            try (PreparedStatement s = c.prepareStatement("SELECT " + UPDATE_COLUMNS + ", blob_id FROM updates WHERE client_id = ?"
                    + " AND state = 'queued' FOR UPDATE")) {
                s.setString(1, u.clientId());
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        older = update(r);
                        olderBlob = r.getLong(10);
                    }
                }
            }
            tx.lockShared(PgDatabase.PRUNE_LOCK);
            long latestVersion = latestVersion(c);
            if (u.baseVersion() > latestVersion) {
                tx.rollbackOnly();
                return new Enqueued.BaseAhead(latestVersion);
            }
            NavigableSet<Long> kept = kept(c);
            if (!kept.contains(u.baseVersion())) {
                tx.rollbackOnly();
                return new Enqueued.BaseGone(kept.first(), latestVersion);
            }
            PgBlobs.Written blob;
            try (InputStream in = Files.newInputStream(cand.staged().file())) {
                blob = PgBlobs.write(c, in);
            }
            if (older != null) {
                try (PreparedStatement s = c.prepareStatement("UPDATE updates SET state = 'replaced', blob_id = NULL WHERE seq = ?")) {
                    s.setLong(1, older.seq());
                    s.executeUpdate();
                }
                PgBlobs.delete(c, olderBlob);
            }
            QueuedUpdate q;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO updates (client_id, update_id, sha256, num_samples, base_version, address,"
                    + " received_at, metrics, bytes, blob_id, state) VALUES (?, ?, ?, ?, ?, ?, now(), ?, ?, ?, 'queued') RETURNING " + UPDATE_COLUMNS)) {
                s.setString(1, u.clientId());
                s.setString(2, u.updateId());
                s.setString(3, blob.sha256());
                s.setLong(4, u.numSamples());
                s.setLong(5, u.baseVersion());
                s.setString(6, cand.address());
                s.setString(7, u.metrics());
                s.setLong(8, blob.bytes());
                s.setLong(9, blob.id());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    q = update(r);
                }
            }
            for (ObjectNode e : events.of(q, older)) appendAudit(tx, e);
            int size;
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM updates WHERE state = 'queued'"); ResultSet r = s.executeQuery()) {
                r.next();
                size = r.getInt(1);
            }
            return new Enqueued.Queued(q, older, size);
        });
    }

    @Override
    public Path incomingDir() {
        return incoming;
    }

    @Override
    public IncomingUpload.Received stage(byte[] body) throws IOException {
        Path tmp = DurableFiles.writeTemp(incoming, body);
        return new IncomingUpload.Received(tmp, body.length, UpdateQueue.sha256(body));
    }

    @Override
    public Optional<byte[]> queuedBytes(long seq) throws IOException {
        return db.tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT blob_id FROM updates WHERE seq = ? AND state = 'queued'")) {
                s.setLong(1, seq);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) return Optional.<byte[]>empty();
                    return Optional.of(PgBlobs.readAll(tx.c, r.getLong(1)));
                }
            }
        });
    }

    @Override
    public int clear(ClearEvent event) throws IOException {
        return db.tx(tx -> {
            List<QueuedUpdate> all = new ArrayList<>();
            List<Long> blobs = new ArrayList<>();
            // Rows a running round holds are waited for, and then no longer queued.
            try (PreparedStatement s = tx.c.prepareStatement("SELECT " + UPDATE_COLUMNS + ", blob_id FROM updates WHERE state = 'queued'"
                    + " ORDER BY seq FOR UPDATE")) {
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        all.add(update(r));
                        blobs.add(r.getLong(10));
                    }
                }
            }
            retire(tx.c, all, "cleared", null);
            for (long b : blobs) PgBlobs.delete(tx.c, b);
            appendAudit(tx, event.of(all));
            return all.size();
        });
    }

    @Override
    public boolean drop(QueuedUpdate u, ObjectNode event) throws IOException {
        return db.tx(tx -> {
            Long blob = null;
            try (PreparedStatement s = tx.c.prepareStatement("SELECT blob_id FROM updates WHERE seq = ? AND state = 'queued' FOR UPDATE")) {
                s.setLong(1, u.seq());
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) blob = r.getLong(1);
                }
            }
            if (blob == null) return false;
            retire(tx.c, List.of(u), "dropped", null);
            PgBlobs.delete(tx.c, blob);
            appendAudit(tx, event);
            return true;
        });
    }

    /** Marks updates as no longer queued (their bytes go with them). */
    private static void retire(Connection c, List<QueuedUpdate> updates, String state, Long version) throws SQLException {
        if (updates.isEmpty()) return;
        try (PreparedStatement s = c.prepareStatement("UPDATE updates SET state = ?, version = ?, blob_id = NULL WHERE seq = ANY (?)")) {
            s.setString(1, state);
            if (version == null) s.setNull(2, java.sql.Types.BIGINT);
            else s.setLong(2, version);
            s.setArray(3, c.createArrayOf("bigint", updates.stream().map(QueuedUpdate::seq).toArray()));
            s.executeUpdate();
        }
    }

    // ---- rounds ----

    @Override
    public Round beginRound(int max, int min) throws IOException {
        Connection c = db.connection();
        try {
            PgDatabase.Tx tx = new PgDatabase.Tx(c);
            // Waits while another replica runs a round; a replica that dies mid-round releases it with its connection.
            tx.lock(PgDatabase.ROUND_LOCK);
            List<QueuedUpdate> batch = new ArrayList<>();
            List<Long> blobs = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + UPDATE_COLUMNS + ", blob_id FROM updates WHERE state = 'queued'"
                    + " ORDER BY seq LIMIT ? FOR UPDATE")) {
                s.setInt(1, max);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        batch.add(update(r));
                        blobs.add(r.getLong(10));
                    }
                }
            }
            // Rows replaced while this round waited for them drop out: fewer than min means no round now.
            if (batch.size() < Math.max(1, min)) {
                c.rollback();
                c.close();
                return null;
            }
            PgRound round = new PgRound(c, latestVersion(c), batch, blobs);
            current = round;
            return round;
        } catch (SQLException e) {
            closeQuietly(c);
            throw PgDatabase.failure(e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // broken: closing returns it to the pool, which drops it
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // as above
        }
    }

    /** A round's transaction: its connection holds the round lock and the batch's rows until commit or close. */
    final class PgRound implements Round {
        final Connection c;
        private final long current;
        private final List<QueuedUpdate> batch;
        private final Map<Long, Long> blobBySeq = new LinkedHashMap<>();
        private PgBlobs.Writer out;
        private boolean closed;

        PgRound(Connection c, long current, List<QueuedUpdate> batch, List<Long> blobs) {
            this.c = c;
            this.current = current;
            this.batch = List.copyOf(batch);
            for (int i = 0; i < batch.size(); i++) blobBySeq.put(batch.get(i).seq(), blobs.get(i));
        }

        @Override
        public long current() {
            return current;
        }

        @Override
        public List<QueuedUpdate> batch() {
            return batch;
        }

        @Override
        public SafeTensorsFile openUpdate(QueuedUpdate u) throws IOException {
            try {
                return SafeTensorsFile.open("update " + u.clientId() + "/" + u.updateId(), new PgBlobs.Reader(c, blobBySeq.get(u.seq())),
                        SafeTensors.Limits.DEFAULT);
            } catch (SQLException e) {
                throw PgDatabase.failure(e);
            }
        }

        @Override
        public SafeTensorsFile openVersion(long version) throws IOException {
            try {
                return SafeTensorsFile.open("global version " + version, new PgBlobs.Reader(c, blobOf(c, version)), SafeTensors.Limits.DEFAULT);
            } catch (SQLException e) {
                throw PgDatabase.failure(e);
            }
        }

        @Override
        public WritableByteChannel output() throws IOException {
            if (out == null) {
                try {
                    out = new PgBlobs.Writer(c);
                } catch (SQLException e) {
                    throw PgDatabase.failure(e);
                }
            }
            return out;
        }

        @Override
        public void commit(ObjectNode event, ObjectNode validationLine, int retention) throws IOException {
            long version = current + 1;
            try {
                PgBlobs.Written blob = out.finish();
                out.close();
                Map<String, String> meta;
                try (SafeTensorsFile f = SafeTensorsFile.open("new version", new PgBlobs.Reader(c, blob.id()), SafeTensors.Limits.DEFAULT)) {
                    meta = f.metadata();
                }
                insertVersionRow(c, version, blob, meta, event, validationLine);
                retire(c, batch, "aggregated", version);
                for (long b : blobBySeq.values()) PgBlobs.delete(c, b);
                PgDatabase.Tx tx = new PgDatabase.Tx(c);
                prune(tx, retention);
                appendAudit(tx, event);
                c.commit();
            } catch (SQLException e) {
                throw PgDatabase.failure(e);
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            if (PostgresStore.this.current == this) PostgresStore.this.current = null;
            if (closed) return;
            closed = true;
            closeQuietly(c); // after a commit the rollback does nothing; without one, nothing of the round remains
        }
    }

    /**
     * Keeps the newest {@code retention} versions' bytes and every base a queued update needs. Holds
     * PRUNE_LOCK exclusively: uploads that checked their base meanwhile have committed, and new ones
     * wait, so the queued bases read here are all there are.
     */
    private static void prune(PgDatabase.Tx tx, int retention) throws SQLException {
        tx.lock(PgDatabase.PRUNE_LOCK);
        List<Long> gone = new ArrayList<>();
        List<Long> blobs = new ArrayList<>();
        try (PreparedStatement s = tx.c.prepareStatement("SELECT version, blob_id FROM versions WHERE blob_id IS NOT NULL"
                + " AND version < (SELECT min(version) FROM (SELECT version FROM versions WHERE blob_id IS NOT NULL ORDER BY version DESC LIMIT ?) newest)"
                + " AND version NOT IN (SELECT base_version FROM updates WHERE state = 'queued') FOR UPDATE")) {
            s.setInt(1, retention);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    gone.add(r.getLong(1));
                    blobs.add(r.getLong(2));
                }
            }
        }
        if (gone.isEmpty()) return;
        try (PreparedStatement s = tx.c.prepareStatement("UPDATE versions SET blob_id = NULL WHERE version = ANY (?)")) {
            s.setArray(1, tx.c.createArrayOf("bigint", gone.toArray()));
            s.executeUpdate();
        }
        for (long b : blobs) PgBlobs.delete(tx.c, b);
    }

    @Override
    public ServerState optimizerState(List<TensorSpec> layout) {
        return new PgOptimizerState(this, layout);
    }

    /** The connection of the round running on this server; for the optimiser state, which is read and written within it. */
    Connection roundConnection() {
        PgRound r = current;
        if (r == null) throw new IllegalStateException("optimiser state outside a round");
        return r.c;
    }

    @Override
    public void adopt(long version, byte[] bytes, ObjectNode event, int retention) {
        throw new UnsupportedOperationException("a PostgreSQL store has no peer server: PostgreSQL replicates it");
    }

    @Override
    public List<JsonNode> recentRounds(int n) throws IOException {
        return db.tx(tx -> {
            List<JsonNode> out = new ArrayList<>();
            try (PreparedStatement s = tx.c.prepareStatement("SELECT round_event FROM versions WHERE round_event IS NOT NULL"
                    + " ORDER BY version DESC LIMIT ?")) {
                s.setInt(1, n);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(JSON.readTree(r.getString(1)));
                }
            }
            Collections.reverse(out);
            return out;
        });
    }

    @Override
    public JsonNode refusal() throws IOException {
        return db.tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT event FROM audit WHERE kind = 'refused' AND id > coalesce((SELECT max(id)"
                    + " FROM audit WHERE kind IN ('aggregated', 'synced')), 0) ORDER BY id DESC LIMIT 1"); ResultSet r = s.executeQuery()) {
                return r.next() ? JSON.readTree(r.getString(1)) : null;
            }
        });
    }

    @Override
    public long roundsWithoutDp() throws IOException {
        return db.tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT count(*) FROM (SELECT made_with_dp FROM versions WHERE version > 0"
                    + " ORDER BY version DESC LIMIT 1000) recent WHERE NOT made_with_dp"); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    // ---- audit, dashboard, tokens ----

    /** Appends an event within a transaction (under AUDIT_LOCK, to its commit) and folds it into the client sightings. */
    void appendAudit(PgDatabase.Tx tx, ObjectNode event) throws SQLException {
        PgClientRegistry.record(tx.c, event);
        tx.lock(PgDatabase.AUDIT_LOCK);
        try (PreparedStatement s = tx.c.prepareStatement("INSERT INTO audit (kind, event) VALUES (?, ?::json)")) {
            s.setString(1, event.path("event").asText());
            s.setString(2, event.toString());
            s.executeUpdate();
        }
    }

    @Override
    public void audit(ObjectNode event, boolean durable) {
        try {
            db.tx(durable, tx -> {
                appendAudit(tx, event);
                return null;
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("audit: cannot append", e);
        }
    }

    @Override
    public void scanAudit(Consumer<JsonNode> each) throws IOException {
        db.tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT event FROM audit ORDER BY id")) {
                s.setFetchSize(1000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) each.accept(JSON.readTree(r.getString(1)));
                }
            }
            return null;
        });
    }

    @Override
    public List<AuditTail.Entry> events(long afterId, int limit) throws IOException {
        return db.tx(tx -> {
            List<AuditTail.Entry> out = new ArrayList<>();
            String sql = afterId < 0 ? "SELECT id, event FROM audit ORDER BY id DESC LIMIT ?" : "SELECT id, event FROM audit WHERE id > ? ORDER BY id LIMIT ?";
            try (PreparedStatement s = tx.c.prepareStatement(sql)) {
                if (afterId < 0) {
                    s.setInt(1, limit);
                } else {
                    s.setLong(1, afterId);
                    s.setInt(2, limit);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(new AuditTail.Entry(r.getLong(1), JSON.readTree(r.getString(2))));
                }
            }
            if (afterId < 0) Collections.reverse(out);
            return out;
        });
    }

    @Override
    public long lastEventId() throws IOException {
        return db.tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT coalesce(max(id), -1) FROM audit"); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    @Override
    public ClientRegistry clients() {
        return clients;
    }

    @Override
    public void requested(String clientId, String address, Instant at) {
        clients.requested(clientId, address, at);
    }

    @Override
    public Tokens tokens() {
        return tokens;
    }

    // ---- screening and validation ----

    @Override
    public ScreeningRecords screening() {
        return screening;
    }

    @Override
    public ObjectNode validation(long version) throws IOException {
        return db.tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT validation FROM versions WHERE version = ?")) {
                s.setLong(1, version);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() && r.getString(1) != null ? (ObjectNode) JSON.readTree(r.getString(1)) : null;
                }
            }
        });
    }

    @Override
    public List<ObjectNode> validationUpTo(long version, int n) throws IOException {
        return db.tx(tx -> {
            List<ObjectNode> out = new ArrayList<>();
            try (PreparedStatement s = tx.c.prepareStatement("SELECT validation FROM versions WHERE version <= ? AND validation IS NOT NULL"
                    + " ORDER BY version DESC LIMIT ?")) {
                s.setLong(1, version);
                s.setInt(2, n);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add((ObjectNode) JSON.readTree(r.getString(1)));
                }
            }
            return out;
        });
    }

    @Override
    public List<Quarantine.Entry> quarantined() {
        return List.of();
    }

    @Override
    public String describe() {
        return db.where();
    }

    @Override
    public void close() throws IOException {
        db.close();
        try (var files = Files.list(incoming)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(incoming);
    }
}
