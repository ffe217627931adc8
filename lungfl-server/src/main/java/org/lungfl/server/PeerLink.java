package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link between a primary and its backup (docs/backup.md). Pull only: every sync interval this
 * server reads its peer's {@code GET /api/v1/sync} (the hash chain of its kept versions and its
 * queue, taken at one instant) and copies what it lacks with {@code GET /download?version=N} and
 * {@code GET /api/v1/sync/queued/SEQ}. Each server pulls; neither ever writes into the other.
 *
 * <ul>
 *   <li>A backup in standby mirrors the primary's versions and queue and refuses uploads (503,
 *       naming the primary). Once the primary has been unreachable for {@code failoverAfter} it
 *       takes over: accepts uploads and aggregates from the newest version it holds.
 *   <li>A primary with a peer starts catching up: it refuses uploads until it has asked the peer to
 *       hand over ({@code POST /api/v1/sync/handover}: the peer stops accepting and answers with its
 *       final state) and has copied the peer's newer versions and queued updates. It does the same
 *       whenever it finds its peer accepting uploads (after a partition).
 *   <li>A version that does not extend this server's chain is a split brain: reported in the log,
 *       the audit log and {@code /status}, never merged. A backup then refuses everything.
 * </ul>
 */
final class PeerLink implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Role {
        PRIMARY, BACKUP;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Role role;
    private final URI peer;
    private final ServerConfig.Replication config;
    private final AggregationService service;
    private final UpdateValidator validator;
    private final HttpClient http;
    private final Thread thread;
    private volatile boolean closed;

    private volatile boolean peerHealthy;
    private volatile long lastContactNanos = System.nanoTime();
    private volatile Instant lastContact, lastSync;
    private volatile long peerVersion = -1;
    private volatile String peerState;
    private volatile String splitBrain;
    private volatile String problem;
    private boolean warnedUnreachable;

    PeerLink(ServerConfig.Replication config, AggregationService service, UpdateValidator validator) {
        this.config = config;
        this.role = config.backupOf() != null ? Role.BACKUP : Role.PRIMARY;
        this.peer = config.peerUrl();
        this.service = service;
        this.validator = validator;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (config.peerCa() != null) b.sslContext(trusting(config.peerCa()));
        this.http = b.build();
        this.thread = new Thread(this::run, "peer-link");
        thread.setDaemon(true);
    }

    /** An SSL context that trusts only this PEM certificate (the peer's self-signed one, or its CA). */
    private static javax.net.ssl.SSLContext trusting(java.nio.file.Path pem) {
        try (var in = java.nio.file.Files.newInputStream(pem)) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, c);
            if (i == 0) throw new org.lungfl.core.UserFacingException("--peer-ca " + pem + ": no certificate in it");
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new org.lungfl.core.UserFacingException("--peer-ca " + pem + ": not a PEM certificate (" + e.getMessage() + ")");
        }
    }

    /** Standby (backup) or catching up (primary with a peer) from the first request on. */
    void start() {
        if (role == Role.BACKUP) service.setAccepting(false, standby());
        else service.setAccepting(false, new ApiException(503, "catching_up", "this primary is catching up from its backup " + peer
                + " before it takes uploads; retry shortly (the backup takes them meanwhile)"));
        thread.start();
    }

    private ApiException standby() {
        return new ApiException(503, "standby", "this is the backup of " + peer + " and takes uploads only while the primary is down;"
                + " send them to the primary " + peer);
    }

    private void run() {
        while (!closed) {
            tick();
            try {
                Thread.sleep(config.syncInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One exchange with the peer; never throws, so the link outlives any failure. */
    void tick() {
        JsonNode s;
        try {
            s = getJson("/api/v1/sync");
        } catch (Refused e) {
            // It answered, so it is up: no failover, but say what is wrong (a token, an old version).
            contact();
            problem = e.getMessage();
            return;
        } catch (IOException e) {
            unreachable(e);
            return;
        }
        contact();
        peerVersion = s.path("global_version").asLong(-1);
        peerState = s.path("state").asText(null);
        if (splitBrain != null) return;
        try {
            if (role == Role.BACKUP) backupTick(s);
            else primaryTick(s);
            problem = null;
        } catch (AggregationService.SplitBrain e) {
            splitBrain(e.getMessage());
        } catch (IOException | RuntimeException e) {
            problem = e.getMessage();
            LOG.warn("sync with {} failed: {}", peer, e.toString());
        }
    }

    private void contact() {
        peerHealthy = true;
        lastContactNanos = System.nanoTime();
        lastContact = Instant.now();
    }

    private void backupTick(JsonNode s) throws IOException, AggregationService.SplitBrain {
        if (service.accepting()) {
            // We took over; the primary is back. It takes our versions and queue through a handover
            // (it needs --peer pointing here); until then we stay active so no upload is refused.
            problem = s.path("peer").isNull() || s.path("peer").asText().isEmpty()
                    ? "the primary is back but runs without --peer: it cannot take over from this backup; restart it with --peer" : null;
            return;
        }
        pullVersions(s);
        if (s.path("accepting").asBoolean()) mirrorQueue(s);
        lastSync = Instant.now();
    }

    private void primaryTick(JsonNode s) throws IOException, AggregationService.SplitBrain {
        boolean catchingUp = !service.accepting();
        if (catchingUp || s.path("accepting").asBoolean() || s.path("global_version").asLong() > latest()) {
            JsonNode last = postJson("/api/v1/sync/handover");
            int versions = pullVersions(last);
            int updates = 0;
            for (JsonNode q : last.path("queued")) if (copyQueued(q)) updates++;
            ObjectNode e = AuditLog.event("handover");
            e.put("from", peer.toString()).put("versions", versions).put("updates", updates).put("global_version", latest());
            service.audit(e, true);
            if (catchingUp) service.setAccepting(true, null);
            LOG.info("caught up from {}: {} version(s), {} queued update(s) taken over; global version {}", peer, versions, updates,
                    latest());
        }
        lastSync = Instant.now();
    }

    /** Copies the peer's versions newer than ours, in order, each checked against our chain. */
    private int pullVersions(JsonNode s) throws IOException, AggregationService.SplitBrain {
        int n = 0;
        for (JsonNode v : s.path("versions")) {
            long version = v.path("version").asLong();
            String hash = v.path("hash").asText();
            long latest = latest();
            if (version > latest + 1) {
                throw new IOException("the peer's oldest kept version after " + latest + " is " + version + ": this server is further behind"
                        + " than the peer's --retention; restart it with an empty --data-dir to mirror afresh");
            }
            if (version <= latest) {
                String ours = service.store().hash(version);
                if (ours != null && !ours.equals(hash)) {
                    throw new AggregationService.SplitBrain("version " + version + " differs: here " + ours.substring(0, 12) + ", on " + peer
                            + " " + hash.substring(0, 12));
                }
                continue;
            }
            service.adopt(version, getBytes("/download?version=" + version), hash, peer.toString());
            n++;
        }
        return n;
    }

    /** Makes our mirrored queue the primary's: copy what is new, drop what it no longer queues. */
    private void mirrorQueue(JsonNode s) throws IOException {
        Set<String> theirs = new HashSet<>();
        for (JsonNode q : s.path("queued")) {
            theirs.add(QueuedUpdate.key(q.path("client_id").asText(), q.path("update_id").asText()));
            copyQueued(q);
        }
        for (QueuedUpdate u : service.snapshot().queued()) {
            // Only copies go: an update this backup acknowledged itself stays until a version counts it.
            if (u.address().equals(AggregationService.PEER_ADDRESS) && !theirs.contains(u.key())) service.dropMirrored(u);
        }
    }

    private boolean copyQueued(JsonNode q) throws IOException {
        if (service.seen(q.path("client_id").asText(), q.path("update_id").asText())) return false;
        byte[] body;
        try {
            body = getBytes("/api/v1/sync/queued/" + q.path("seq").asLong());
        } catch (Gone g) {
            return false; // aggregated or replaced since the listing: the next sync sees the result
        }
        IncomingUpload.Received staged = service.stage(body);
        try {
            service.acceptReplica(validator.validate(staged.file()), staged);
        } finally {
            staged.discard();
        }
        return true;
    }

    private void unreachable(IOException e) {
        if (peerHealthy || !warnedUnreachable) LOG.warn("peer {} unreachable: {}", peer, e.toString());
        warnedUnreachable = true;
        peerHealthy = false;
        boolean overdue = System.nanoTime() - lastContactNanos >= config.failoverAfter().toNanos();
        if (!overdue || splitBrain != null || service.accepting()) return;
        ObjectNode a = AuditLog.event(role == Role.BACKUP ? "takeover" : "started_alone");
        a.put("peer", peer.toString()).put("global_version", latest())
                .put("last_contact", lastContact == null ? null : lastContact.toString());
        service.audit(a, true);
        if (role == Role.BACKUP) {
            LOG.warn("primary {} unreachable for {} s: this backup takes over from global version {}", peer,
                    config.failoverAfter().toSeconds(), latest());
        } else {
            LOG.warn("backup {} unreachable for {} s: serving without catching up from it (if it took over meanwhile,"
                    + " the split brain is reported when it is back)", peer, config.failoverAfter().toSeconds());
        }
        service.setAccepting(true, null);
    }

    private void splitBrain(String what) {
        splitBrain = what;
        LOG.error("SPLIT BRAIN with {}: {}. Nothing is merged; see docs/backup.md to resolve.", peer, what);
        ObjectNode e = AuditLog.event("split_brain");
        e.put("peer", peer.toString()).put("detail", what);
        service.audit(e, true);
        // The primary's chain is the federation's; a backup stops taking anything until the operator resolves it.
        if (role == Role.BACKUP) {
            service.setAccepting(false, new ApiException(503, "split_brain", "this backup's versions conflict with the primary " + peer
                    + " (" + what + "); it takes no uploads until the operator resolves it"));
        } else if (!service.accepting()) {
            service.setAccepting(true, null);
        }
    }

    /** The backup side of a handover: stop taking uploads, let a running round finish, give the final state. */
    ObjectNode handOver() throws IOException, InterruptedException {
        service.setAccepting(false, splitBrain != null ? new ApiException(503, "split_brain", "unresolved split brain with " + peer) : standby());
        service.quiesce();
        ObjectNode e = AuditLog.event("handed_over");
        e.put("to", peer.toString()).put("global_version", latest()).put("queue_size", service.queueSize());
        service.audit(e, true);
        LOG.info("handed over to the primary {} at global version {}", peer, latest());
        return syncJson(service, this);
    }

    /** {@code GET /api/v1/sync}: this server's state for its peer (also without a peer link). */
    static ObjectNode syncJson(AggregationService service, PeerLink link) throws IOException {
        AggregationService.SyncState st = service.syncState();
        ObjectNode n = JSON.createObjectNode();
        n.put("role", link == null ? "primary" : link.role.json()).put("state", state(st.accepting(), link)).put("accepting", st.accepting())
                .put("peer", link == null ? null : link.peer.toString()).put("split_brain", link == null ? null : link.splitBrain)
                .put("global_version", st.globalVersion());
        ArrayNode vs = n.putArray("versions");
        for (AggregationService.Version v : st.versions()) vs.addObject().put("version", v.version()).put("hash", v.hash()).put("parent_hash", v.parentHash());
        ArrayNode qs = n.putArray("queued");
        for (QueuedUpdate u : st.queued()) qs.addObject().put("seq", u.seq()).put("client_id", u.clientId()).put("update_id", u.updateId());
        return n;
    }

    private static String state(boolean accepting, PeerLink link) {
        if (link != null && link.splitBrain != null) return "split_brain";
        if (accepting) return "active";
        return link != null && link.role == Role.PRIMARY ? "catching_up" : "standby";
    }

    /** The replication part of {@code /status}. */
    void status(ObjectNode n) {
        n.put("role", role.json()).put("state", state(service.accepting(), this)).put("accepting_uploads", service.accepting());
        ObjectNode p = n.putObject("peer");
        long ours = latest();
        p.put("url", peer.toString()).put("healthy", peerHealthy).put("state", peerState)
                .put("last_contact", lastContact == null ? null : lastContact.toString())
                .put("last_sync", lastSync == null ? null : lastSync.toString())
                .put("global_version", peerVersion < 0 ? null : peerVersion);
        // Versions the backup lacks compared with the primary (negative: the backup is ahead, after a takeover).
        if (peerVersion < 0) p.putNull("lag_versions");
        else p.put("lag_versions", role == Role.BACKUP ? peerVersion - ours : ours - peerVersion);
        p.put("split_brain", splitBrain).put("problem", problem);
    }

    Role role() {
        return role;
    }

    /** The peer link runs only with a file store, whose versions are in memory: reading them cannot fail. */
    private long latest() {
        try {
            return service.store().latestVersion();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The peer answered with an error status. */
    private static class Refused extends IOException {
        Refused(String m) {
            super(m);
        }
    }

    private static final class Gone extends Refused {
        Gone(String m) {
            super(m);
        }
    }

    /** The listing is small: a peer that takes longer than this to list is as good as down. */
    private JsonNode getJson(String path) throws IOException {
        return JSON.readTree(send(request(path).timeout(Duration.ofSeconds(10)).GET()));
    }

    private JsonNode postJson(String path) throws IOException {
        return JSON.readTree(send(request(path).POST(HttpRequest.BodyPublishers.noBody())));
    }

    private byte[] getBytes(String path) throws IOException {
        return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(peer + path)).timeout(Duration.ofSeconds(60));
        if (config.peerToken() != null) b.header("Authorization", "Bearer " + config.peerToken());
        return b;
    }

    private byte[] send(HttpRequest.Builder b) throws IOException {
        HttpRequest req = b.build();
        HttpResponse<byte[]> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (r.statusCode() == 404) throw new Gone(req.uri().getPath() + ": 404");
        if (r.statusCode() != 200) {
            throw new Refused(req.method() + " " + req.uri() + " answered " + r.statusCode() + " "
                    + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
        return r.body();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
