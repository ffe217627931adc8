package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.aggregation.AggregationStrategy;
import org.lungfl.core.aggregation.Contribution;
import org.lungfl.core.aggregation.GaussianNoise;
import org.lungfl.core.aggregation.LocalTensors;
import org.lungfl.core.aggregation.SampleCap;
import org.lungfl.core.plan.FederationPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation's state machine: a queue of capacity K with one slot per client, and an
 * aggregation of the oldest K whenever K are waiting. State changes happen under this object's
 * lock, so racing uploads produce exactly one aggregation per K updates; the slow parts (writing
 * the upload, averaging) run outside it. Aggregations run one at a time on their own thread.
 *
 * <p>Crash safety, in order: an upload is fsynced under a temporary name, renamed into the queue,
 * audited, then acknowledged. An aggregation writes the new version (its metadata lists the
 * contributors), then audits, then deletes the consumed queue files. On start, queue files listed
 * in a kept version are deleted as consumed and missing audit lines are written from the version.
 */
public final class AggregationService implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger("org.lungfl.server.aggregation");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HISTORY = 100;

    /** The server's answer to an accepted (or already accepted) upload. */
    public record Accepted(String updateId, boolean duplicate, int queueSize, boolean aggregated, long globalVersion, String quarantined) {
        public Accepted(String updateId, boolean duplicate, int queueSize, boolean aggregated, long globalVersion) {
            this(updateId, duplicate, queueSize, aggregated, globalVersion, null);
        }
    }

    /** One completed aggregation, for {@code history}, logs and metrics. */
    public record Round(long version, int contributors, long samples, double meanStaleness, long maxStaleness, long millis,
            long allocatedBytes, Instant at) {}

    /** A round that was computed but not published: its result was not finite (see {@link StreamingAggregation}). */
    public record Refusal(long version, String reason, Instant at, List<String> clientIds) {}

    /** A consistent picture for {@code /status} and the console. */
    public record Snapshot(int queueSize, int capacity, long globalVersion, List<QueuedUpdate> queued, long roundsCompleted,
            Instant lastAggregationAt, boolean aggregating) {}

    private final FederationPlan plan;
    private final AggregationStrategy strategy;
    private final int capacity;
    private final int retention;
    private final ModelStore models;
    private final UpdateQueue queue;
    private final AuditLog audit;
    private final ValidationHistory validation;
    private final UpdateScreening screening;
    private final PrivacyAccounting privacy;
    private final Quarantine quarantine;
    private final UpdateValidator recoveryCheck;
    private final DataDir.Lock dirLock;
    private final ExecutorService aggregator = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aggregation");
        t.setDaemon(true);
        return t;
    });

    private final TreeMap<Long, QueuedUpdate> waiting = new TreeMap<>();
    private final Map<String, QueuedUpdate> waitingByClient = new HashMap<>();
    /** Every update id ever accepted (queued or aggregated), with its file's SHA-256 when known. */
    private final Map<String, String> seen = new HashMap<>();
    private final Deque<Round> history = new ArrayDeque<>();
    private long nextSeq = 1;
    private int inFlight;
    /** False on a standby backup and on a primary still catching up from its peer: uploads are refused, nothing is aggregated. */
    private boolean accepting = true;
    private ApiException refusal;
    private volatile Refusal refused;

    private AggregationService(FederationPlan plan, int capacity, int retention, Path dataDir) throws IOException {
        if (capacity < 1) throw new UserFacingException("--max-clients must be at least 1, not " + capacity);
        if (retention < 1) throw new UserFacingException("version retention must be at least 1, not " + retention);
        this.plan = plan;
        this.strategy = AggregationStrategy.of(plan.aggregation(), new OptimizerStateFiles(dataDir,
                LocalTensors.aggregatedFloats(plan.modelSpec().tensors(), plan.aggregation().fedbn())), GaussianNoise.secure());
        if (capacity < strategy.minimumContributors()) {
            throw new UserFacingException("--max-clients " + capacity + " is too small for " + strategy.name() + " as the plan sets it up:"
                    + " a round needs at least " + strategy.minimumContributors() + " updates (aggregation.krum.byzantine_clients)");
        }
        this.capacity = capacity;
        this.retention = retention;
        this.recoveryCheck = new UpdateValidator(plan, org.lungfl.core.weights.SafeTensors.Limits.DEFAULT);
        DataDir.create(dataDir);
        this.dirLock = DataDir.lockForServer(dataDir);
        AuditLog a = null;
        ValidationHistory vh = null;
        try {
            TokenStore.removeTemps(dataDir);
            a = new AuditLog(dataDir);
            Quarantine q = new Quarantine(dataDir, a);
            checkPlan(dataDir, plan, q);
            vh = new ValidationHistory(dataDir);
            this.models = new ModelStore(dataDir, plan, q);
            this.queue = new UpdateQueue(dataDir);
            this.quarantine = q;
            this.screening = new UpdateScreening(dataDir, plan, models, a);
            this.privacy = new PrivacyAccounting(plan.aggregation().dp(), dataDir);
        } catch (IOException | RuntimeException e) {
            if (vh != null) vh.close();
            if (a != null) a.close();
            dirLock.close();
            throw e;
        }
        this.audit = a;
        this.validation = vh;
    }

    /** Opens (or creates) a data directory and recovers its queue and versions after any crash. */
    public static AggregationService open(Path dataDir, FederationPlan plan, int capacity, int retention) throws IOException {
        return open(dataDir, plan, capacity, retention, true);
    }

    /**
     * @param accepting false for a server with a peer: it starts refusing uploads and does not
     *     aggregate a full queue until its PeerLink allows it (a standby must never make a version)
     */
    static AggregationService open(Path dataDir, FederationPlan plan, int capacity, int retention, boolean accepting) throws IOException {
        AggregationService s = new AggregationService(plan, capacity, retention, dataDir);
        s.accepting = accepting;
        s.refusal = new ApiException(503, "starting", "the server is starting; retry shortly");
        s.recover(dataDir);
        return s;
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

    private void recover(Path dataDir) throws IOException {
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
                remember(roundOf(e));
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
                ObjectNode e = aggregatedEvent(v, meta, contributors);
                e.put("recovered", true);
                audit.append(e, true);
                remember(roundOf(e));
            }
        }

        List<QueuedUpdate> consumed = new ArrayList<>();
        List<QueuedUpdate> replaced = new ArrayList<>();
        for (QueuedUpdate u : queue.load(addressBySeq, recoveryCheck, quarantine)) {
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
        for (QueuedUpdate r : replaced) audit.append(replacedEvent(r, waitingByClient.get(r.clientId())).put("recovered", true), true);
        nextSeq = maxSeq[0] + 1;

        ObjectNode started = AuditLog.event("started");
        started.put("global_version", models.latestVersion()).put("queue_size", waiting.size()).put("capacity", capacity)
                .put("plan", plan.name()).put("plan_fingerprint", plan.fingerprint());
        audit.append(started, true);
        LOG.info("data dir ready: global version {}, {} of {} queued{}", models.latestVersion(), waiting.size(), capacity,
                consumed.isEmpty() ? "" : ", " + consumed.size() + " consumed update files removed after a crash");

        // A crash may have struck after the K-th upload was acknowledged but before its round committed.
        if (accepting) {
            while (waiting.size() >= capacity) {
                if (aggregateNow(take(capacity)) == null) break; // refused or failed: the updates stay queued
            }
        }
    }

    /** Remembers an accepted update id; a known hash is never replaced by an unknown one. */
    private void see(String key, String sha256) {
        seen.merge(key, sha256 == null ? "" : sha256, (old, now) -> now.isEmpty() ? old : now);
    }

    /**
     * Queues a validated upload durably, or acknowledges a retry of one already accepted. The staged
     * file is committed into the queue or deleted; either way the caller is done with it.
     */
    public Accepted accept(UpdateValidator.Update u, IncomingUpload.Received staged, String address) throws IOException {
        return accept(u, staged, address, false);
    }

    /**
     * Queues an update copied from the peer server (mirrored, or handed over after a failover):
     * idempotent by update id like any upload, taken even while this server does not accept uploads.
     */
    Accepted acceptReplica(UpdateValidator.Update u, IncomingUpload.Received staged) throws IOException {
        return accept(u, staged, PEER_ADDRESS, true);
    }

    /** Stages bytes from the peer in the queue directory, for validation and {@link #acceptReplica}. */
    IncomingUpload.Received stage(byte[] body) throws IOException {
        return queue.stage(body);
    }

    /** Where uploads are streamed before they are validated and committed. */
    Path incomingDir() {
        return queue.dir();
    }

    /** The address recorded for updates that came from the peer server rather than from a site. */
    static final String PEER_ADDRESS = "peer";

    private Accepted accept(UpdateValidator.Update u, IncomingUpload.Received staged, String address, boolean replica) throws IOException {
        String key = QueuedUpdate.key(u.clientId(), u.updateId());
        try {
            synchronized (this) {
                if (seen.containsKey(key)) return duplicate(u, staged, address);
            }
            if (!replica) {
                UpdateScreening.Verdict verdict = screening.screen(u, staged.file(), address);
                if (verdict.quarantined()) return new Accepted(u.updateId(), false, queueSize(), false, models.latestVersion(), verdict.reason());
            }
            // Validated aggregate numbers (never patient data), audited so that a client's last reported metrics survive a restart.
            JsonNode metrics = u.metrics() == null ? null : JSON.readTree(u.metrics());
            staged.sync(); // slow, so outside the lock
            List<QueuedUpdate> batch = null;
            int size;
            synchronized (this) {
                if (seen.containsKey(key)) return duplicate(u, staged, address);
                if (!accepting && !replica) throw refusal;
                checkBase(u.baseVersion());
                long seq = nextSeq++;
                QueuedUpdate q = new QueuedUpdate(seq, u.clientId(), u.updateId(), u.numSamples(), u.baseVersion(), address, Instant.now(),
                        queue.commit(staged, seq), staged.sha256());
                see(key, staged.sha256());
                QueuedUpdate older = waitingByClient.put(q.clientId(), q);
                waiting.put(seq, q);
                ObjectNode e = AuditLog.event("received");
                e.put("seq", seq).put("client_id", q.clientId()).put("update_id", q.updateId()).put("num_samples", q.numSamples())
                        .put("base_version", q.baseVersion()).put("address", address).put("bytes", staged.bytes()).put("sha256", q.sha256());
                if (metrics != null) e.set("metrics", metrics);
                audit.append(e, true);
                if (older != null) {
                    waiting.remove(older.seq());
                    queue.delete(List.of(older));
                    audit.append(replacedEvent(older, q), true);
                }
                if (accepting && waiting.size() >= capacity) batch = take(capacity);
                size = waiting.size();
            }
            if (batch == null) return new Accepted(u.updateId(), false, size, false, models.latestVersion());
            Round r = aggregateNow(batch);
            return new Accepted(u.updateId(), false, queueSize(), r != null, models.latestVersion());
        } finally {
            staged.discard(); // gone already when committed
        }
    }

    /**
     * A retry of an accepted update is acknowledged again (its ack may have been lost); the same
     * update id with a different body is a conflict, never silently taken for the first one.
     */
    private Accepted duplicate(UpdateValidator.Update u, IncomingUpload.Received staged, String address) {
        String known = seen.get(QueuedUpdate.key(u.clientId(), u.updateId()));
        if (known != null && !known.isEmpty() && !known.equals(staged.sha256())) {
            throw new ApiException(409, "update_conflict", "update_id '" + u.updateId() + "' was already accepted from '" + u.clientId()
                    + "' with different content; a new update needs a new update_id");
        }
        ObjectNode e = AuditLog.event("duplicate");
        e.put("client_id", u.clientId()).put("update_id", u.updateId()).put("address", address);
        audit.append(e, false);
        return new Accepted(u.updateId(), true, waiting.size(), false, models.latestVersion());
    }

    private void checkBase(long base) {
        long latest = models.latestVersion();
        if (base > latest) {
            throw new ApiException(409, "unknown_base_version", "base_version " + base + " is ahead of the global version " + latest);
        }
        if (!models.isKept(base)) {
            throw new ApiException(409, "base_version_gone", "base_version " + base + " is no longer kept (oldest kept: "
                    + models.kept().first() + "); download the global model " + latest + " and train from it");
        }
    }

    private static ObjectNode replacedEvent(QueuedUpdate older, QueuedUpdate newer) {
        ObjectNode e = AuditLog.event("replaced");
        e.put("client_id", older.clientId()).put("update_id", older.updateId()).put("seq", older.seq())
                .put("by_update_id", newer == null ? null : newer.updateId());
        return e;
    }

    /** Removes the oldest {@code n} waiting updates for an aggregation (caller holds the lock). */
    private List<QueuedUpdate> take(int n) {
        List<QueuedUpdate> batch = new ArrayList<>(n);
        while (batch.size() < n && !waiting.isEmpty()) {
            QueuedUpdate u = waiting.pollFirstEntry().getValue();
            waitingByClient.remove(u.clientId(), u);
            batch.add(u);
        }
        inFlight++;
        return batch;
    }

    /** Console {@code execute}: aggregates whatever is waiting now; empty when nothing is. */
    public java.util.Optional<Round> execute() {
        List<QueuedUpdate> batch;
        synchronized (this) {
            if (!accepting) throw refusal;
            if (waiting.isEmpty()) return java.util.Optional.empty();
            if (waiting.size() < strategy.minimumContributors()) {
                throw new ApiException(409, "too_few_updates", strategy.name() + " needs at least " + strategy.minimumContributors()
                        + " updates in a round; " + waiting.size() + " queued");
            }
            batch = take(waiting.size());
        }
        return java.util.Optional.ofNullable(aggregateNow(batch));
    }

    /** Console {@code clear}: discards every waiting update, audited; returns how many. */
    public synchronized int clear() throws IOException {
        List<QueuedUpdate> all = new ArrayList<>(waiting.values());
        waiting.clear();
        waitingByClient.clear();
        queue.delete(all);
        ObjectNode e = AuditLog.event("cleared");
        ArrayNode ids = e.putArray("updates");
        for (QueuedUpdate u : all) ids.addObject().put("client_id", u.clientId()).put("update_id", u.updateId()).put("seq", u.seq());
        audit.append(e, true);
        return all.size();
    }

    /** Runs one round on the aggregation thread and waits; a failed round puts its updates back. */
    private Round aggregateNow(List<QueuedUpdate> batch) {
        try {
            return aggregator.submit(() -> aggregate(batch)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StreamingAggregation.NonFiniteAggregate nf) refuse(batch, nf.getMessage());
            else LOG.error("aggregation of {} updates failed; they stay queued: {}", batch.size(), e.getCause().toString());
            synchronized (this) {
                inFlight--;
                for (QueuedUpdate u : batch) {
                    if (waitingByClient.containsKey(u.clientId())) continue; // a newer upload took the slot meanwhile
                    waiting.put(u.seq(), u);
                    waitingByClient.put(u.clientId(), u);
                }
            }
            return null;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            synchronized (this) {
                inFlight--;
            }
            return null;
        }
    }

    /**
     * A round whose result is not finite is not published: audited as {@code refused}, reported in
     * {@code /status} until a round succeeds, and its updates stay queued for the coordinator.
     */
    private void refuse(List<QueuedUpdate> batch, String reason) {
        long version = models.latestVersion() + 1;
        ObjectNode e = AuditLog.event("refused");
        e.put("version", version).put("reason", "the aggregate is not finite: " + reason);
        ArrayNode cs = e.putArray("contributors");
        for (QueuedUpdate u : batch) cs.addObject().put("client_id", u.clientId()).put("update_id", u.updateId()).put("seq", u.seq());
        audit.append(e, true);
        refused = new Refusal(version, "the aggregate is not finite: " + reason, Instant.now(),
                batch.stream().map(QueuedUpdate::clientId).toList());
        LOG.error("version {} NOT published: {} (from {}); the {} updates stay queued: the coordinator decides (clear, or wait for"
                + " replacements)", version, reason, refused.clientIds(), batch.size());
    }

    private Round aggregate(List<QueuedUpdate> batch) throws IOException {
        long t0 = System.nanoTime();
        long alloc0 = allocatedBytes();
        long v = models.latestVersion();
        List<Contribution> claimed = new ArrayList<>(batch.size());
        for (QueuedUpdate u : batch) claimed.add(new Contribution(u.numSamples(), u.baseVersion()));
        // No claimed sample count buys more than SampleCap.FACTOR times the round's median weight.
        List<Contribution> counted = SampleCap.apply(claimed);
        AggregationStrategy.Round round = strategy.begin(v, counted);
        StreamingAggregation.measure(round, batch, models, plan.modelSpec().tensors());

        ArrayNode contributors = JSON.createArrayNode();
        for (int i = 0; i < batch.size(); i++) {
            QueuedUpdate u = batch.get(i);
            contributors.addObject().put("client_id", u.clientId()).put("update_id", u.updateId()).put("seq", u.seq())
                    .put("num_samples", u.numSamples()).put("counted_samples", counted.get(i).numSamples())
                    .put("base_version", u.baseVersion()).put("staleness", v - u.baseVersion()).put("share", round.share(i))
                    .put("sha256", u.sha256());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("version", Long.toString(v + 1));
        meta.put("plan_fingerprint", plan.fingerprint());
        meta.put("created_at", Instant.now().toString());
        meta.put("strategy", strategy.name());
        meta.put("parent_hash", models.hash(v));
        meta.put("contributors", contributors.toString());
        meta.putAll(privacy.next(models.metadata(v)));
        Path tmp = StreamingAggregation.run(round, batch, models, v, plan.modelSpec().tensors(), meta);
        validation.record(v + 1, batch);
        models.commit(tmp, v + 1);
        privacy.remember(v + 1, meta);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        ObjectNode e = aggregatedEvent(v + 1, meta, contributors);
        e.put("millis", millis);
        Round r = roundOf(e);
        r = new Round(r.version(), r.contributors(), r.samples(), r.meanStaleness(), r.maxStaleness(), millis,
                allocatedBytes() - alloc0, r.at());
        // The round has happened: what follows is bookkeeping that a failure must not undo (putting
        // the batch back would count it twice); a restart finishes it from the version's metadata.
        synchronized (this) {
            try {
                audit.append(e, true);
                queue.delete(batch);
                Set<Long> pinned = new HashSet<>();
                for (QueuedUpdate u : waiting.values()) pinned.add(u.baseVersion());
                models.prune(retention, pinned);
            } catch (IOException | RuntimeException failed) {
                LOG.error("version {} is committed but its cleanup failed ({}); a restart completes it", v + 1, failed.toString());
            }
            remember(r);
            inFlight--;
            refused = null;
        }
        LOG.info("aggregated version {}: {} contributors, {} samples, staleness mean {} max {}, {} ms", r.version(), r.contributors(),
                r.samples(), String.format("%.2f", r.meanStaleness()), r.maxStaleness(), millis);
        return r;
    }

    private static ObjectNode aggregatedEvent(long version, Map<String, String> meta, ArrayNode contributors) {
        ObjectNode e = AuditLog.event("aggregated");
        e.put("version", version).put("created_at", meta.get("created_at")).set("contributors", contributors);
        meta.forEach((k, x) -> {
            if (k.startsWith("dp_")) e.put(k, x);
        });
        return e;
    }

    private static Round roundOf(JsonNode e) {
        long samples = 0, maxStale = 0;
        double stale = 0;
        JsonNode cs = e.path("contributors");
        for (JsonNode c : cs) {
            samples += c.path("num_samples").asLong();
            stale += c.path("staleness").asLong();
            maxStale = Math.max(maxStale, c.path("staleness").asLong());
        }
        String at = e.path("created_at").asText(e.path("time").asText());
        return new Round(e.path("version").asLong(), cs.size(), samples, cs.size() == 0 ? 0 : stale / cs.size(), maxStale,
                e.path("millis").asLong(), 0, Instant.parse(at));
    }

    private synchronized void remember(Round r) {
        history.addLast(r);
        while (history.size() > HISTORY) history.removeFirst();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    public synchronized int queueSize() {
        return waiting.size();
    }

    public int capacity() {
        return capacity;
    }

    public FederationPlan plan() {
        return plan;
    }

    ModelStore models() {
        return models;
    }

    AuditLog audit() {
        return audit;
    }

    ValidationHistory validation() {
        return validation;
    }

    UpdateScreening screening() {
        return screening;
    }

    PrivacyAccounting privacy() {
        return privacy;
    }

    /**
     * Stops or resumes taking uploads and aggregating (replication roles). While stopped, uploads
     * get {@code refusal}; on resuming, a queue already holding K updates is aggregated at once.
     */
    void setAccepting(boolean on, ApiException whyNot) {
        List<List<QueuedUpdate>> batches = new ArrayList<>();
        synchronized (this) {
            accepting = on;
            refusal = whyNot;
            if (on) while (waiting.size() >= capacity) batches.add(take(capacity));
        }
        for (List<QueuedUpdate> b : batches) aggregateNow(b);
    }

    synchronized boolean accepting() {
        return accepting;
    }

    /** Waits (bounded) until no aggregation is running: after {@code setAccepting(false)} none starts. */
    void quiesce() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (inFlight == 0) return;
            }
            Thread.sleep(10);
        }
    }

    /** What the peer server needs to mirror this one, taken at one instant. */
    record SyncState(boolean accepting, long globalVersion, List<Version> versions, List<QueuedUpdate> queued) {}

    record Version(long version, String hash, String parentHash) {}

    synchronized SyncState syncState() throws IOException {
        List<Version> versions = new ArrayList<>();
        for (long v : models.kept()) {
            String h = models.hash(v);
            if (h != null) versions.add(new Version(v, h, v == 0 ? null : models.metadata(v).get("parent_hash")));
        }
        return new SyncState(accepting, models.latestVersion(), versions, List.copyOf(waiting.values()));
    }

    /** The bytes of a waiting update, for the peer; empty once it was aggregated or replaced. */
    synchronized java.util.Optional<byte[]> queuedBytes(long seq) throws IOException {
        QueuedUpdate u = waiting.get(seq);
        if (u == null) return java.util.Optional.empty();
        return java.util.Optional.of(Files.readAllBytes(u.file()));
    }

    synchronized boolean seen(String clientId, String updateId) {
        return seen.containsKey(QueuedUpdate.key(clientId, updateId));
    }

    /** The last round that was refused, until a round succeeds; null when none. */
    Refusal refused() {
        return refused;
    }

    /** Files moved aside at start. */
    List<Quarantine.Entry> quarantined() {
        return quarantine.entries();
    }

    /** Two servers hold different versions under one number: reported, never merged. */
    static final class SplitBrain extends Exception {
        SplitBrain(String message) {
            super(message);
        }
    }

    /**
     * Appends a version the peer server made, if it extends this server's chain: version = latest + 1
     * and its {@code parent_hash} is our latest's hash. Updates it consumed leave our queue (they are
     * counted in it) and can never be queued again. Runs on the aggregation thread, so it cannot
     * interleave with a round of our own.
     */
    void adopt(long version, byte[] bytes, String hash, String source) throws SplitBrain, IOException {
        if (!ModelStore.sha256(bytes).equals(hash)) throw new IOException(source + ": version " + version + " does not match its hash (transfer damaged)");
        try {
            aggregator.submit(() -> {
                adoptNow(version, bytes, hash, source);
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SplitBrain sb) throw sb;
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }

    private void adoptNow(long version, byte[] bytes, String hash, String source) throws SplitBrain, IOException {
        long latest = models.latestVersion();
        if (version <= latest) {
            if (!hash.equals(models.hash(version)) && models.hash(version) != null) {
                throw new SplitBrain("version " + version + " differs: here " + models.hash(version).substring(0, 12) + ", on " + source + " "
                        + hash.substring(0, 12));
            }
            return;
        }
        Map<String, String> meta = org.lungfl.core.weights.SafeTensors.read(bytes).metadata();
        String parent = meta.get("parent_hash");
        if (version != latest + 1 || !models.hash(latest).equals(parent)) {
            throw new SplitBrain("version " + version + " on " + source + " does not extend version " + latest + " here (parent "
                    + (parent == null ? "none" : parent.substring(0, 12)) + ", our version " + latest + " is " + models.hash(latest).substring(0, 12) + ")");
        }
        ArrayNode contributors = (ArrayNode) JSON.readTree(meta.get("contributors"));
        models.adopt(bytes, version, source);
        privacy.remember(version, meta);
        ObjectNode e = aggregatedEvent(version, meta, contributors);
        e.put("event", "synced");
        e.put("from", source).put("hash", hash).put("parent_hash", parent);
        synchronized (this) {
            List<QueuedUpdate> consumed = new ArrayList<>();
            for (JsonNode c : contributors) {
                String key = QueuedUpdate.key(c.path("client_id").asText(), c.path("update_id").asText());
                see(key, c.path("sha256").asText(null));
                for (QueuedUpdate u : waiting.values()) if (u.key().equals(key)) consumed.add(u);
            }
            for (QueuedUpdate u : consumed) {
                waiting.remove(u.seq());
                waitingByClient.remove(u.clientId(), u);
            }
            audit.append(e, true);
            queue.delete(consumed);
            Set<Long> pinned = new HashSet<>();
            for (QueuedUpdate u : waiting.values()) pinned.add(u.baseVersion());
            models.prune(retention, pinned);
            remember(roundOf(e));
        }
        LOG.info("synced version {} from {} ({} contributors)", version, source, contributors.size());
    }

    /** Drops a mirrored update that the primary no longer queues (cleared or replaced there), audited. */
    synchronized void dropMirrored(QueuedUpdate u) throws IOException {
        if (waiting.get(u.seq()) != u) return;
        waiting.remove(u.seq());
        waitingByClient.remove(u.clientId(), u);
        queue.delete(List.of(u));
        ObjectNode e = AuditLog.event("unmirrored");
        e.put("client_id", u.clientId()).put("update_id", u.updateId()).put("seq", u.seq());
        audit.append(e, true);
    }

    public synchronized List<Round> history() {
        return List.copyOf(history);
    }

    public synchronized Snapshot snapshot() {
        long version = models.latestVersion();
        return new Snapshot(waiting.size(), capacity, version, List.copyOf(waiting.values()), version,
                history.isEmpty() ? null : history.getLast().at(), inFlight > 0);
    }

    /** Waits for a running aggregation to finish, then stops taking new ones. */
    @Override
    public void close() throws IOException {
        aggregator.shutdown();
        try {
            aggregator.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ObjectNode stopped = AuditLog.event("stopped");
        stopped.put("global_version", models.latestVersion()).put("queue_size", queueSize());
        audit.append(stopped, true);
        audit.close();
        validation.close();
        dirLock.close();
    }
}
