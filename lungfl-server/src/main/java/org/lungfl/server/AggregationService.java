package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.aggregation.AggregationStrategy;
import org.lungfl.core.aggregation.Contribution;
import org.lungfl.core.aggregation.GaussianNoise;
import org.lungfl.core.aggregation.LocalTensors;
import org.lungfl.core.aggregation.SampleCap;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensorsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation's state machine: a queue of capacity K with one slot per client, and an
 * aggregation of the oldest K whenever K are waiting. What it decides is kept by a
 * {@link FederationStore}, which makes each step atomic (an upload queued with its audit events; a
 * version committed with its audit event and the removal of the updates it counted) and serialises
 * the rounds, so racing uploads produce exactly one aggregation per K updates, also when several
 * servers share one store. Rounds run one at a time on this server's aggregation thread.
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
    private final FederationStore store;
    private final AggregationStrategy strategy;
    private final int capacity;
    private final int retention;
    private final UpdateScreening screening;
    private final PrivacyAccounting privacy;
    private final ExecutorService aggregator = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aggregation");
        t.setDaemon(true);
        return t;
    });
    /** With a shared store: looks for a full queue that no server is aggregating (its server died mid-round). */
    private java.util.concurrent.ScheduledExecutorService sweeper;
    static final long SWEEP_MILLIS = 1_000;

    /** Uploads hold it shared while they queue; switching {@code accepting} holds it alone. */
    private final ReadWriteLock acceptingLock = new ReentrantReadWriteLock();
    /** Rounds submitted or running on this server. */
    private int inFlight;
    /** The heap the last round this server made allocated, with its version. */
    private volatile long lastAllocated, lastAllocatedVersion = -1;
    /** False on a standby backup and on a primary still catching up from its peer: uploads are refused, nothing is aggregated. */
    private volatile boolean accepting = true;
    private volatile ApiException refusal;

    private AggregationService(FederationPlan plan, int capacity, int retention, FederationStore store) {
        if (capacity < 1) throw new UserFacingException("--max-clients must be at least 1, not " + capacity);
        if (retention < 1) throw new UserFacingException("version retention must be at least 1, not " + retention);
        this.plan = plan;
        this.store = store;
        this.strategy = AggregationStrategy.of(plan.aggregation(), store.optimizerState(
                LocalTensors.aggregatedFloats(plan.modelSpec().tensors(), plan.aggregation().fedbn())), GaussianNoise.secure());
        if (capacity < strategy.minimumContributors()) {
            throw new UserFacingException("--max-clients " + capacity + " is too small for " + strategy.name() + " as the plan sets it up:"
                    + " a round needs at least " + strategy.minimumContributors() + " updates (aggregation.krum.byzantine_clients)");
        }
        this.capacity = capacity;
        this.retention = retention;
        this.screening = new UpdateScreening(plan, store);
        this.privacy = new PrivacyAccounting(plan.aggregation().dp());
    }

    /** Opens (or creates) a data directory and recovers its queue and versions after any crash. */
    public static AggregationService open(Path dataDir, FederationPlan plan, int capacity, int retention) throws IOException {
        return open(FileStore.open(dataDir, plan), plan, capacity, retention, true);
    }

    /**
     * Serves the federation kept by {@code store} (which it owns from now on).
     *
     * @param accepting false for a server with a peer: it starts refusing uploads and does not
     *     aggregate a full queue until its PeerLink allows it (a standby must never make a version)
     */
    static AggregationService open(FederationStore store, FederationPlan plan, int capacity, int retention, boolean accepting)
            throws IOException {
        AggregationService s;
        try {
            s = new AggregationService(plan, capacity, retention, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        s.accepting = accepting;
        s.refusal = new ApiException(503, "starting", "the server is starting; retry shortly");
        ObjectNode started = AuditLog.event("started");
        started.put("global_version", store.latestVersion()).put("queue_size", store.queueSize()).put("capacity", capacity)
                .put("plan", plan.name()).put("plan_fingerprint", plan.fingerprint());
        store.audit(started, true);
        LOG.info("{} ready: global version {}, {} of {} queued", store.describe(), store.latestVersion(), store.queueSize(), capacity);
        // A crash may have struck after the K-th upload was acknowledged but before its round committed.
        if (accepting) s.aggregateWhileFull();
        if (store.shared()) s.startSweeping();
        return s;
    }

    /**
     * A server that dies mid-round leaves its K updates queued (its transaction rolls back) and
     * nobody to run the round until the next upload: every server of a shared store looks now and then.
     */
    private void startSweeping() {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "round-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                aggregateWhileFull();
            } catch (IOException | RuntimeException e) {
                LOG.debug("looking for a full queue failed: {}", e.toString());
            }
        }, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs rounds while K updates wait; stops at the first that is refused or fails (the updates stay queued). */
    void aggregateWhileFull() throws IOException {
        while (accepting && store.queueSize() >= capacity) {
            if (aggregateNow(capacity, capacity) == null) break;
        }
    }

    /**
     * Queues a validated upload durably, or acknowledges a retry of one already accepted. The staged
     * file is committed into the store or deleted; either way the caller is done with it.
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

    /** Stages bytes from the peer, for validation and {@link #acceptReplica}. */
    IncomingUpload.Received stage(byte[] body) throws IOException {
        return store.stage(body);
    }

    /** Where uploads are streamed before they are validated and committed. */
    Path incomingDir() {
        return store.incomingDir();
    }

    /** The address recorded for updates that came from the peer server rather than from a site. */
    static final String PEER_ADDRESS = "peer";

    private Accepted accept(UpdateValidator.Update u, IncomingUpload.Received staged, String address, boolean replica) throws IOException {
        try {
            String known = store.acceptedHash(u.clientId(), u.updateId());
            if (known != null) return duplicate(u, staged, address, known);
            if (!replica) {
                UpdateScreening.Verdict verdict = screening.screen(u, staged.file(), address);
                if (verdict.quarantined()) return new Accepted(u.updateId(), false, store.queueSize(), false, store.latestVersion(), verdict.reason());
            }
            // Validated aggregate numbers (never patient data), audited so that a client's last reported metrics survive a restart.
            JsonNode metrics = u.metrics() == null ? null : JSON.readTree(u.metrics());
            FederationStore.Enqueued result;
            acceptingLock.readLock().lock();
            try {
                if (!accepting && !replica) throw refusal;
                result = store.enqueue(new FederationStore.Candidate(u, staged, address), (q, older) -> {
                    List<ObjectNode> events = new ArrayList<>();
                    events.add(AuditEvents.received(q, staged.bytes(), metrics));
                    if (older != null) events.add(AuditEvents.replaced(older, q));
                    return events;
                });
            } finally {
                acceptingLock.readLock().unlock();
            }
            if (result instanceof FederationStore.Enqueued.Duplicate d) return duplicate(u, staged, address, d.knownSha256());
            if (result instanceof FederationStore.Enqueued.BaseAhead a) {
                throw new ApiException(409, "unknown_base_version", "base_version " + u.baseVersion() + " is ahead of the global version "
                        + a.latest());
            }
            if (result instanceof FederationStore.Enqueued.BaseGone g) {
                throw new ApiException(409, "base_version_gone", "base_version " + u.baseVersion() + " is no longer kept (oldest kept: "
                        + g.oldestKept() + "); download the global model " + g.latest() + " and train from it");
            }
            FederationStore.Enqueued.Queued q = (FederationStore.Enqueued.Queued) result;
            if (!accepting || q.queueSize() < capacity) return new Accepted(u.updateId(), false, q.queueSize(), false, store.latestVersion());
            Round r = aggregateNow(capacity, capacity);
            return new Accepted(u.updateId(), false, store.queueSize(), r != null, store.latestVersion());
        } finally {
            staged.discard(); // gone already when committed
        }
    }

    /**
     * A retry of an accepted update is acknowledged again (its ack may have been lost); the same
     * update id with a different body is a conflict, never silently taken for the first one.
     */
    private Accepted duplicate(UpdateValidator.Update u, IncomingUpload.Received staged, String address, String known) throws IOException {
        if (!known.isEmpty() && !known.equals(staged.sha256())) {
            throw new ApiException(409, "update_conflict", "update_id '" + u.updateId() + "' was already accepted from '" + u.clientId()
                    + "' with different content; a new update needs a new update_id");
        }
        ObjectNode e = AuditLog.event("duplicate");
        e.put("client_id", u.clientId()).put("update_id", u.updateId()).put("address", address);
        store.audit(e, false);
        return new Accepted(u.updateId(), true, store.queueSize(), false, store.latestVersion());
    }

    /** Console {@code execute}: aggregates whatever is waiting now; empty when nothing is. */
    public java.util.Optional<Round> execute() {
        if (!accepting) throw refusal;
        int waiting = queueSize();
        if (waiting == 0) return java.util.Optional.empty();
        if (waiting < strategy.minimumContributors()) {
            throw new ApiException(409, "too_few_updates", strategy.name() + " needs at least " + strategy.minimumContributors()
                    + " updates in a round; " + waiting + " queued");
        }
        return java.util.Optional.ofNullable(aggregateNow(Integer.MAX_VALUE, strategy.minimumContributors()));
    }

    /** Console {@code clear}: discards every waiting update, audited; returns how many. */
    public int clear() throws IOException {
        return store.clear(all -> {
            ObjectNode e = AuditLog.event("cleared");
            ArrayNode ids = e.putArray("updates");
            for (QueuedUpdate u : all) ids.addObject().put("client_id", u.clientId()).put("update_id", u.updateId()).put("seq", u.seq());
            return e;
        });
    }

    /**
     * Runs one round of at most {@code max} updates (none unless {@code min} wait) on the
     * aggregation thread and waits; a failed round leaves its updates queued.
     */
    private Round aggregateNow(int max, int min) {
        synchronized (this) {
            inFlight++;
        }
        try {
            return aggregator.submit(() -> {
                if (!accepting) return null;
                try (FederationStore.Round round = store.beginRound(max, min)) {
                    if (round == null) return null;
                    try {
                        return aggregate(round);
                    } catch (StreamingAggregation.NonFiniteAggregate nf) {
                        round.close();
                        refuse(round.current() + 1, round.batch(), nf.getMessage());
                        return null;
                    }
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            LOG.error("aggregation failed; its updates stay queued: {}", e.getCause().toString());
            return null;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        } finally {
            synchronized (this) {
                inFlight--;
            }
        }
    }

    /**
     * A round whose result is not finite is not published: audited as {@code refused}, reported in
     * {@code /status} until a round succeeds, and its updates stay queued for the coordinator.
     */
    private void refuse(long version, List<QueuedUpdate> batch, String reason) {
        ObjectNode e = AuditLog.event("refused");
        e.put("version", version).put("reason", "the aggregate is not finite: " + reason);
        ArrayNode cs = e.putArray("contributors");
        for (QueuedUpdate u : batch) cs.addObject().put("client_id", u.clientId()).put("update_id", u.updateId()).put("seq", u.seq());
        store.audit(e, true);
        LOG.error("version {} NOT published: {} (from {}); the {} updates stay queued: the coordinator decides (clear, or wait for"
                + " replacements)", version, reason, batch.stream().map(QueuedUpdate::clientId).toList(), batch.size());
    }

    private Round aggregate(FederationStore.Round round) throws IOException {
        long t0 = System.nanoTime();
        long alloc0 = allocatedBytes();
        List<QueuedUpdate> batch = round.batch();
        long v = round.current();
        List<Contribution> claimed = new ArrayList<>(batch.size());
        for (QueuedUpdate u : batch) claimed.add(new Contribution(u.numSamples(), u.baseVersion()));
        // No claimed sample count buys more than SampleCap.FACTOR times the round's median weight.
        List<Contribution> counted = SampleCap.apply(claimed);
        AggregationStrategy.Round rule = strategy.begin(v, counted);

        ArrayNode contributors = JSON.createArrayNode();
        Map<String, String> meta = new LinkedHashMap<>();
        List<SafeTensorsFile> updates = new ArrayList<>(batch.size());
        try {
            for (QueuedUpdate u : batch) updates.add(round.openUpdate(u));
            StreamingAggregation.measure(rule, updates, round::openVersion, plan.modelSpec().tensors());
            for (int i = 0; i < batch.size(); i++) {
                QueuedUpdate u = batch.get(i);
                contributors.addObject().put("client_id", u.clientId()).put("update_id", u.updateId()).put("seq", u.seq())
                        .put("num_samples", u.numSamples()).put("counted_samples", counted.get(i).numSamples())
                        .put("base_version", u.baseVersion()).put("staleness", v - u.baseVersion()).put("share", rule.share(i))
                        .put("sha256", u.sha256());
            }
            meta.put("version", Long.toString(v + 1));
            meta.put("plan_fingerprint", plan.fingerprint());
            meta.put("created_at", Instant.now().toString());
            meta.put("strategy", strategy.name());
            meta.put("parent_hash", store.hash(v));
            meta.put("contributors", contributors.toString());
            meta.putAll(privacy.next(store.metadata(v)));
            StreamingAggregation.run(rule, updates, round::openVersion, plan.modelSpec().tensors(), meta, round.output());
        } finally {
            for (SafeTensorsFile f : updates) f.close();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        ObjectNode e = AuditEvents.aggregated(v + 1, meta, contributors);
        e.put("millis", millis);
        round.commit(e, ValidationHistory.line(v + 1, batch), retention);
        Round r = roundOf(e);
        long allocated = allocatedBytes() - alloc0;
        lastAllocated = allocated;
        lastAllocatedVersion = v + 1;
        LOG.info("aggregated version {}: {} contributors, {} samples, staleness mean {} max {}, {} ms", r.version(), r.contributors(),
                r.samples(), String.format("%.2f", r.meanStaleness()), r.maxStaleness(), millis);
        return new Round(r.version(), r.contributors(), r.samples(), r.meanStaleness(), r.maxStaleness(), millis, allocated, r.at());
    }

    /** A round as its audit event ({@code aggregated} or {@code synced}) records it. */
    Round roundOf(JsonNode e) {
        long samples = 0, maxStale = 0;
        double stale = 0;
        JsonNode cs = e.path("contributors");
        for (JsonNode c : cs) {
            samples += c.path("num_samples").asLong();
            stale += c.path("staleness").asLong();
            maxStale = Math.max(maxStale, c.path("staleness").asLong());
        }
        long version = e.path("version").asLong();
        String at = e.path("created_at").asText(e.path("time").asText());
        return new Round(version, cs.size(), samples, cs.size() == 0 ? 0 : stale / cs.size(), maxStale, e.path("millis").asLong(),
                version == lastAllocatedVersion ? lastAllocated : 0, Instant.parse(at));
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    public int queueSize() {
        try {
            return store.queueSize();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int capacity() {
        return capacity;
    }

    public FederationPlan plan() {
        return plan;
    }

    FederationStore store() {
        return store;
    }

    void audit(ObjectNode event, boolean durable) {
        store.audit(event, durable);
    }

    UpdateScreening screening() {
        return screening;
    }

    /** The validation summary of a version, or null. */
    ObjectNode validation(long version) throws IOException {
        return ValidationHistory.summary(store.validation(version));
    }

    /** The validation summary of the newest published version with metrics, or null. */
    ObjectNode latestValidation(long published) throws IOException {
        return ValidationHistory.latest(store, published);
    }

    /** The privacy account for {@code /status}, or null when DP was never used. */
    ObjectNode privacyStatus(long latestVersion) throws IOException {
        return privacy.status(latestVersion, store.metadata(latestVersion), store.roundsWithoutDp());
    }

    /**
     * Stops or resumes taking uploads and aggregating (replication roles). While stopped, uploads
     * get {@code refusal}; on resuming, a queue already holding K updates is aggregated at once.
     */
    void setAccepting(boolean on, ApiException whyNot) {
        acceptingLock.writeLock().lock();
        try {
            accepting = on;
            refusal = whyNot;
        } finally {
            acceptingLock.writeLock().unlock();
        }
        if (on) {
            try {
                aggregateWhileFull();
            } catch (IOException e) {
                LOG.error("cannot aggregate the queue on resuming: {}", e.toString());
            }
        }
    }

    boolean accepting() {
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

    /** What the peer server needs to mirror this one. */
    record SyncState(boolean accepting, long globalVersion, List<Version> versions, List<QueuedUpdate> queued) {}

    record Version(long version, String hash, String parentHash) {}

    /**
     * The queue is read before the versions: an update that a round counts in between is listed in
     * both, and the peer that adopts the version then knows it as counted and does not copy it.
     */
    SyncState syncState() throws IOException {
        List<QueuedUpdate> queued = store.queued();
        List<Version> versions = new ArrayList<>();
        for (long v : store.kept()) {
            String h = store.hash(v);
            if (h != null) versions.add(new Version(v, h, v == 0 ? null : store.metadata(v).get("parent_hash")));
        }
        long latest = versions.isEmpty() ? store.latestVersion() : versions.get(versions.size() - 1).version();
        return new SyncState(accepting, latest, versions, queued);
    }

    /** The bytes of a waiting update, for the peer; empty once it was aggregated or replaced. */
    java.util.Optional<byte[]> queuedBytes(long seq) throws IOException {
        return store.queuedBytes(seq);
    }

    boolean seen(String clientId, String updateId) throws IOException {
        return store.acceptedHash(clientId, updateId) != null;
    }

    /** The last round that was refused, until a round succeeds; null when none. */
    Refusal refused() throws IOException {
        JsonNode e = store.refusal();
        if (e == null) return null;
        List<String> clients = new ArrayList<>();
        for (JsonNode c : e.path("contributors")) clients.add(c.path("client_id").asText());
        return new Refusal(e.path("version").asLong(), e.path("reason").asText(), Instant.parse(e.path("time").asText()), clients);
    }

    /** Files moved aside at start. */
    List<Quarantine.Entry> quarantined() {
        return store.quarantined();
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
        long latest = store.latestVersion();
        if (version <= latest) {
            String ours = store.hash(version);
            if (ours != null && !hash.equals(ours)) {
                throw new SplitBrain("version " + version + " differs: here " + ours.substring(0, 12) + ", on " + source + " " + hash.substring(0, 12));
            }
            return;
        }
        Map<String, String> meta = org.lungfl.core.weights.SafeTensors.read(bytes).metadata();
        String parent = meta.get("parent_hash");
        if (version != latest + 1 || !store.hash(latest).equals(parent)) {
            throw new SplitBrain("version " + version + " on " + source + " does not extend version " + latest + " here (parent "
                    + (parent == null ? "none" : parent.substring(0, 12)) + ", our version " + latest + " is " + store.hash(latest).substring(0, 12) + ")");
        }
        ArrayNode contributors = (ArrayNode) JSON.readTree(meta.get("contributors"));
        ObjectNode e = AuditEvents.aggregated(version, meta, contributors);
        e.put("event", "synced");
        e.put("from", source).put("hash", hash).put("parent_hash", parent);
        store.adopt(version, bytes, e, retention);
        LOG.info("synced version {} from {} ({} contributors)", version, source, contributors.size());
    }

    /** Drops a mirrored update that the primary no longer queues (cleared or replaced there), audited. */
    void dropMirrored(QueuedUpdate u) throws IOException {
        ObjectNode e = AuditLog.event("unmirrored");
        e.put("client_id", u.clientId()).put("update_id", u.updateId()).put("seq", u.seq());
        store.drop(u, e);
    }

    /** The newest rounds, oldest first (from the store: every server of a shared store lists the same). */
    public List<Round> history() {
        List<Round> out = new ArrayList<>();
        try {
            for (JsonNode e : store.recentRounds(HISTORY)) out.add(roundOf(e));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    public Snapshot snapshot() {
        List<QueuedUpdate> queued;
        long version;
        List<JsonNode> last;
        try {
            queued = store.queued();
            version = store.latestVersion();
            last = store.recentRounds(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Instant at = last.isEmpty() ? null : roundOf(last.get(0)).at();
        boolean running;
        synchronized (this) {
            running = inFlight > 0;
        }
        return new Snapshot(queued.size(), capacity, version, queued, version, at, running);
    }

    /** Waits for a running aggregation to finish, then stops taking new ones. */
    @Override
    public void close() throws IOException {
        if (sweeper != null) sweeper.shutdownNow();
        aggregator.shutdown();
        try {
            aggregator.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            ObjectNode stopped = AuditLog.event("stopped");
            stopped.put("global_version", store.latestVersion()).put("queue_size", store.queueSize());
            store.audit(stopped, true);
        } finally {
            store.close();
        }
    }
}
