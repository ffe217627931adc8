package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.aggregation.ServerState;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensorsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A federation in a data directory, for one server process (it holds {@code server.lock}):
 * {@code versions/} ({@link ModelStore}), {@code queue/} ({@link UpdateQueue}), {@code audit.jsonl}
 * ({@link AuditLog}), {@code tokens.json} ({@link TokenStore}), {@code validation.jsonl},
 * {@code optimizer/}, {@code quarantined-updates/}, {@code quarantine/} and {@code plan.json}.
 * Which updates wait is kept in memory under this object's lock and rebuilt from the files at start.
 *
 * <p>Crash safety, in order: an upload is fsynced under a temporary name, renamed into the queue,
 * audited, then acknowledged. A round writes the new version (its metadata lists the contributors),
 * then audits, then deletes the consumed queue files. On start, queue files listed in a kept version
 * are deleted as consumed and missing audit lines are written from the version.
 */
final class FileStore implements FederationStore {
    private static final Logger LOG = LoggerFactory.getLogger("org.lungfl.server.aggregation");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Round events kept in memory: the history shows 100, the privacy account counts 1000. */
    private static final int ROUNDS_KEPT = 1000;

    private final Path dataDir;
    private final DataDir.Lock dirLock;
    private final AuditLog audit;
    private final Quarantine quarantine;
    private final ModelStore models;
    private final UpdateQueue queue;
    private final ValidationFile validation;
    private final FileScreeningRecords screening;
    private final TokenStore tokens;
    private final AuditFeed feed;

    private final TreeMap<Long, QueuedUpdate> waiting = new TreeMap<>();
    private final Map<String, QueuedUpdate> waitingByClient = new HashMap<>();
    /** Every update id ever accepted (queued or aggregated), with its file's SHA-256 when known. */
    private final Map<String, String> seen = new HashMap<>();
    /** The {@code aggregated}/{@code synced} events of the newest versions. */
    private final TreeMap<Long, JsonNode> rounds = new TreeMap<>();
    /** Bases of the updates taken into rounds now running: kept while a round may need them. */
    private final List<QueuedUpdate> taken = new ArrayList<>();
    private volatile JsonNode refusal;
    private long nextSeq = 1;

    private FileStore(Path dataDir, FederationPlan plan) throws IOException {
        this.dataDir = dataDir;
        DataDir.create(dataDir);
        this.dirLock = DataDir.lockForServer(dataDir);
        AuditLog a = null;
        ValidationFile vf = null;
        try {
            TokenStore.removeTemps(dataDir);
            a = new AuditLog(dataDir);
            Quarantine q = new Quarantine(dataDir, a);
            checkPlan(dataDir, plan, q);
            vf = new ValidationFile(dataDir);
            this.models = new ModelStore(dataDir, plan, q);
            this.queue = new UpdateQueue(dataDir);
            this.quarantine = q;
            this.screening = new FileScreeningRecords(dataDir, a, plan.aggregation().screening().rounds(), models.latestVersion());
        } catch (IOException | RuntimeException e) {
            if (vf != null) vf.close();
            if (a != null) a.close();
            dirLock.close();
            throw e;
        }
        this.audit = a;
        this.validation = vf;
        this.tokens = new TokenStore(dataDir);
        this.feed = new AuditFeed(audit, dataDir, new MemoryClientRegistry());
    }

    /** Opens (or creates) a data directory and recovers its queue and versions after any crash. */
    static FileStore open(Path dataDir, FederationPlan plan) throws IOException {
        FileStore s = new FileStore(dataDir, plan);
        try {
            s.recover(plan);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    Path dataDir() {
        return dataDir;
    }

    /** The queue file of a waiting update (tests look at the files themselves). */
    Path queueFile(long seq) {
        return queue.path(seq);
    }

    ModelStore models() {
        return models;
    }

    /**
     * A data dir belongs to one plan: weights of another would be meaningless. A plan.json that
     * cannot be read is quarantined and written again; the versions' own fingerprints still guard.
     */
    private static void checkPlan(Path dataDir, FederationPlan plan, Quarantine quarantine) throws IOException {
        Path file = dataDir.resolve("plan.json");
        FederationPlan stored = null;
        if (Files.exists(file)) {
            try {
                stored = FederationPlan.parse(Files.readAllBytes(file), file.toString());
            } catch (UserFacingException e) {
                quarantine.move(file, "plan.json is unreadable; written again from plan '" + plan.name() + "'");
            }
        }
        if (stored != null) {
            if (!stored.fingerprint().equals(plan.fingerprint())) {
                throw new UserFacingException("data dir " + dataDir + " belongs to plan '" + stored.name() + "' (fingerprint "
                        + stored.fingerprint().substring(0, 12) + "), not to plan '" + plan.name() + "' (" + plan.fingerprint().substring(0, 12)
                        + "): start with --plan " + file + " or use another --data-dir");
            }
            if (java.util.Arrays.equals(stored.toJson(), plan.toJson())) {
                DataDir.restrict(file);
                return;
            }
        }
        DurableFiles.write(file, plan.toJson());
    }

    private void recover(FederationPlan plan) throws IOException {
        Map<Long, String> addressBySeq = new HashMap<>();
        Set<Long> audited = new HashSet<>();
        long[] maxSeq = {0};
        AuditLog.scan(dataDir, e -> {
            String event = e.path("event").asText();
            if (e.has("seq")) maxSeq[0] = Math.max(maxSeq[0], e.get("seq").asLong());
            if (event.equals("received")) {
                see(QueuedUpdate.key(e.path("client_id").asText(), e.path("update_id").asText()), e.path("sha256").asText(null));
                addressBySeq.put(e.path("seq").asLong(), e.path("address").asText("unknown"));
            } else if (event.equals("aggregated") || event.equals("synced")) {
                audited.add(e.path("version").asLong());
                for (JsonNode c : e.path("contributors")) {
                    see(QueuedUpdate.key(c.path("client_id").asText(), c.path("update_id").asText()), c.path("sha256").asText(null));
                    maxSeq[0] = Math.max(maxSeq[0], c.path("seq").asLong());
                }
                remember(e);
            }
        });

        // What each kept version consumed: its own metadata is the commit record.
        Map<String, Long> consumedBy = new HashMap<>();
        for (long v : models.kept()) {
            if (v == 0) continue;
            Map<String, String> meta = models.metadata(v);
            ArrayNode contributors = (ArrayNode) JSON.readTree(meta.get("contributors"));
            for (JsonNode c : contributors) {
                String key = QueuedUpdate.key(c.path("client_id").asText(), c.path("update_id").asText());
                consumedBy.put(key, v);
                see(key, c.path("sha256").asText(null));
                maxSeq[0] = Math.max(maxSeq[0], c.path("seq").asLong());
            }
            if (!audited.contains(v) && v > audited.stream().mapToLong(Long::longValue).max().orElse(0)) {
                ObjectNode e = AuditEvents.aggregated(v, meta, contributors);
                e.put("recovered", true);
                audit.append(e, true);
                remember(e);
            }
        }

        UpdateValidator validator = new UpdateValidator(plan, org.lungfl.core.weights.SafeTensors.Limits.DEFAULT);
        List<QueuedUpdate> consumed = new ArrayList<>();
        List<QueuedUpdate> replaced = new ArrayList<>();
        for (QueuedUpdate u : queue.load(addressBySeq, validator, quarantine)) {
            maxSeq[0] = Math.max(maxSeq[0], u.seq());
            if (consumedBy.containsKey(u.key())) {
                consumed.add(u);
                continue;
            }
            see(u.key(), u.sha256());
            QueuedUpdate older = waitingByClient.put(u.clientId(), u);
            if (older != null) {
                waiting.remove(older.seq());
                replaced.add(older);
            }
            waiting.put(u.seq(), u);
        }
        queue.delete(consumed);
        queue.delete(replaced);
        for (QueuedUpdate r : replaced) audit.append(AuditEvents.replaced(r, waitingByClient.get(r.clientId())).put("recovered", true), true);
        nextSeq = maxSeq[0] + 1;
        if (!consumed.isEmpty()) LOG.info("{} consumed update files removed after a crash", consumed.size());
    }

    /** Remembers an accepted update id; a known hash is never replaced by an unknown one. */
    private void see(String key, String sha256) {
        seen.merge(key, sha256 == null ? "" : sha256, (old, now) -> now.isEmpty() ? old : now);
    }

    private synchronized void remember(JsonNode roundEvent) {
        rounds.put(roundEvent.path("version").asLong(), roundEvent);
        while (rounds.size() > ROUNDS_KEPT) rounds.pollFirstEntry();
    }

    // ---- versions ----

    @Override
    public long latestVersion() {
        return models.latestVersion();
    }

    @Override
    public Latest latest() {
        return models.latest();
    }

    @Override
    public NavigableSet<Long> kept() {
        return models.kept();
    }

    @Override
    public boolean isKept(long version) {
        return models.isKept(version);
    }

    @Override
    public String hash(long version) {
        return models.hash(version);
    }

    @Override
    public Map<String, String> metadata(long version) throws IOException {
        return models.metadata(version);
    }

    @Override
    public Optional<byte[]> bytes(long version) throws IOException {
        return models.bytes(version);
    }

    @Override
    public SafeTensorsFile openVersion(long version) throws IOException {
        return SafeTensorsFile.open(models.path(version));
    }

    // ---- the queue ----

    @Override
    public synchronized int queueSize() {
        return waiting.size();
    }

    @Override
    public synchronized List<QueuedUpdate> queued() {
        return List.copyOf(waiting.values());
    }

    @Override
    public synchronized String acceptedHash(String clientId, String updateId) {
        return seen.get(QueuedUpdate.key(clientId, updateId));
    }

    @Override
    public Enqueued enqueue(Candidate c, QueueEvents events) throws IOException {
        UpdateValidator.Update u = c.update();
        String key = QueuedUpdate.key(u.clientId(), u.updateId());
        c.staged().sync(); // slow, so outside the lock
        synchronized (this) {
            String known = seen.get(key);
            if (known != null) return new Enqueued.Duplicate(known);
            long latest = models.latestVersion();
            if (u.baseVersion() > latest) return new Enqueued.BaseAhead(latest);
            if (!models.isKept(u.baseVersion())) return new Enqueued.BaseGone(models.kept().first(), latest);
            long seq = nextSeq++;
            queue.commit(c.staged(), seq);
            QueuedUpdate q = new QueuedUpdate(seq, u.clientId(), u.updateId(), u.numSamples(), u.baseVersion(), c.address(), Instant.now(),
                    c.staged().sha256(), u.metrics());
            see(key, q.sha256());
            QueuedUpdate older = waitingByClient.put(q.clientId(), q);
            waiting.put(seq, q);
            List<ObjectNode> es = events.of(q, older);
            audit.append(es.get(0), true);
            if (older != null) {
                waiting.remove(older.seq());
                queue.delete(List.of(older));
            }
            for (ObjectNode e : es.subList(1, es.size())) audit.append(e, true);
            return new Enqueued.Queued(q, older, waiting.size());
        }
    }

    @Override
    public Path incomingDir() {
        return queue.dir();
    }

    @Override
    public IncomingUpload.Received stage(byte[] body) throws IOException {
        return queue.stage(body);
    }

    @Override
    public synchronized Optional<byte[]> queuedBytes(long seq) throws IOException {
        QueuedUpdate u = waiting.get(seq);
        if (u == null) return Optional.empty();
        return Optional.of(Files.readAllBytes(queue.path(seq)));
    }

    @Override
    public synchronized int clear(ClearEvent event) throws IOException {
        List<QueuedUpdate> all = new ArrayList<>(waiting.values());
        waiting.clear();
        waitingByClient.clear();
        queue.delete(all);
        audit.append(event.of(all), true);
        return all.size();
    }

    @Override
    public synchronized boolean drop(QueuedUpdate u, ObjectNode event) throws IOException {
        QueuedUpdate now = waiting.get(u.seq());
        if (now == null || !now.key().equals(u.key())) return false;
        waiting.remove(u.seq());
        waitingByClient.remove(u.clientId(), now);
        queue.delete(List.of(now));
        audit.append(event, true);
        return true;
    }

    // ---- rounds ----

    @Override
    public Round beginRound(int max, int min) {
        List<QueuedUpdate> batch = new ArrayList<>();
        long current;
        synchronized (this) {
            if (waiting.size() < Math.max(1, min)) return null;
            while (batch.size() < max && !waiting.isEmpty()) {
                QueuedUpdate u = waiting.pollFirstEntry().getValue();
                waitingByClient.remove(u.clientId(), u);
                batch.add(u);
            }
            taken.addAll(batch);
            current = models.latestVersion();
        }
        return new FileRound(current, batch);
    }

    private final class FileRound implements Round {
        private final long current;
        private final List<QueuedUpdate> batch;
        private Path tmp;
        private FileChannel out;
        private boolean done;

        FileRound(long current, List<QueuedUpdate> batch) {
            this.current = current;
            this.batch = List.copyOf(batch);
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
            return SafeTensorsFile.open(queue.path(u.seq()));
        }

        @Override
        public SafeTensorsFile openVersion(long version) throws IOException {
            return FileStore.this.openVersion(version);
        }

        @Override
        public WritableByteChannel output() throws IOException {
            if (out == null) {
                tmp = models.dir().resolve(DurableFiles.TEMP_PREFIX + UUID.randomUUID());
                out = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), DataDir.privateFile());
            }
            return out;
        }

        @Override
        public void commit(ObjectNode event, ObjectNode validationLine, int retention) throws IOException {
            long version = current + 1;
            out.force(true);
            out.close();
            validation.record(validationLine);
            models.commit(tmp, version);
            tmp = null;
            done = true;
            // The round has happened: what follows is bookkeeping that a failure must not undo (putting
            // the batch back would count it twice); a restart finishes it from the version's metadata.
            synchronized (FileStore.this) {
                taken.removeAll(batch);
                try {
                    audit.append(event, true);
                    queue.delete(batch);
                    prune(retention);
                } catch (IOException | RuntimeException failed) {
                    LOG.error("version {} is committed but its cleanup failed ({}); a restart completes it", version, failed.toString());
                }
                remember(event);
                refusal = null;
            }
        }

        @Override
        public void close() throws IOException {
            if (done) return;
            done = true;
            if (out != null) out.close();
            if (tmp != null) Files.deleteIfExists(tmp);
            synchronized (FileStore.this) {
                taken.removeAll(batch);
                for (QueuedUpdate u : batch) {
                    if (waitingByClient.containsKey(u.clientId())) continue; // a newer upload took the slot meanwhile
                    waiting.put(u.seq(), u);
                    waitingByClient.put(u.clientId(), u);
                }
            }
        }
    }

    /** Keeps the newest versions and every base a waiting update, or one in a running round, needs (caller holds the lock). */
    private void prune(int retention) throws IOException {
        Set<Long> pinned = new HashSet<>();
        for (QueuedUpdate u : waiting.values()) pinned.add(u.baseVersion());
        for (QueuedUpdate u : taken) pinned.add(u.baseVersion());
        models.prune(retention, pinned);
    }

    @Override
    public ServerState optimizerState(List<TensorSpec> layout) {
        return new OptimizerStateFiles(dataDir, layout);
    }

    @Override
    public void adopt(long version, byte[] bytes, ObjectNode event, int retention) throws IOException {
        models.adopt(bytes, version, event.path("from").asText("the peer"));
        synchronized (this) {
            List<QueuedUpdate> consumed = new ArrayList<>();
            for (JsonNode c : event.path("contributors")) {
                String key = QueuedUpdate.key(c.path("client_id").asText(), c.path("update_id").asText());
                see(key, c.path("sha256").asText(null));
                for (QueuedUpdate u : waiting.values()) if (u.key().equals(key)) consumed.add(u);
            }
            for (QueuedUpdate u : consumed) {
                waiting.remove(u.seq());
                waitingByClient.remove(u.clientId(), u);
            }
            audit.append(event, true);
            queue.delete(consumed);
            prune(retention);
            remember(event);
        }
    }

    @Override
    public synchronized List<JsonNode> recentRounds(int n) {
        List<JsonNode> out = new ArrayList<>(rounds.values());
        return List.copyOf(out.subList(Math.max(0, out.size() - n), out.size()));
    }

    @Override
    public JsonNode refusal() {
        return refusal;
    }

    @Override
    public synchronized long roundsWithoutDp() {
        return rounds.values().stream().filter(e -> !PrivacyAccounting.madeWithDp(e)).count();
    }

    // ---- audit, dashboard, tokens ----

    @Override
    public void audit(ObjectNode event, boolean durable) {
        audit.append(event, durable);
        if (event.path("event").asText().equals("refused")) refusal = event;
    }

    @Override
    public void scanAudit(Consumer<JsonNode> each) throws IOException {
        AuditLog.scan(dataDir, each);
    }

    @Override
    public List<AuditTail.Entry> events(long afterId, int limit) throws InterruptedException {
        return feed.tail().after(afterId, limit);
    }

    @Override
    public long lastEventId() throws InterruptedException {
        return feed.tail().size() - 1;
    }

    @Override
    public ClientRegistry clients() throws InterruptedException {
        return feed.clients();
    }

    @Override
    public void requested(String clientId, String address, Instant at) {
        feed.requested(clientId, address, at);
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
    public ObjectNode validation(long version) {
        return validation.line(version);
    }

    @Override
    public List<ObjectNode> validationUpTo(long version, int n) {
        return validation.upTo(version, n);
    }

    @Override
    public List<Quarantine.Entry> quarantined() {
        return quarantine.entries();
    }

    @Override
    public String describe() {
        return "data dir " + dataDir;
    }

    @Override
    public void close() throws IOException {
        try {
            audit.close();
            validation.close();
        } finally {
            dirLock.close();
        }
    }
}
