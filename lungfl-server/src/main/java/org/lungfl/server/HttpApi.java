package org.lungfl.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.lungfl.core.weights.SafeTensors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of DESIGN.md. Every error is JSON {@code {error, detail}}; every request is logged
 * in one line (address, client, method, path, status, bytes, ms). Requests are counted so that a
 * graceful stop can wait for those in flight.
 *
 * <p>Who sees what (docs/security.md): a site's token sees the queue's size and capacity, the
 * global version and its own queued entries; the coordinator's admin token sees everything (every
 * site's entries, history, metrics, validation); {@code --open} keeps the original tool's behaviour
 * (everything, to everyone), except that its admin endpoints answer only on loopback unless an
 * admin token is configured.
 */
final class HttpApi {
    private static final Logger REQUESTS = LoggerFactory.getLogger("org.lungfl.server.requests");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration CONNECTED_WINDOW = Duration.ofMinutes(10);

    private final AggregationService service;
    private final Tokens tokens;
    private final ServerConfig config;
    private final UpdateValidator validator;
    private final PeerLink peer;
    private final ServerMetrics metrics = new ServerMetrics();
    private final UploadGate gate;
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;

    HttpApi(AggregationService service, Tokens tokens, ServerConfig config) {
        this.service = service;
        this.tokens = tokens;
        this.config = config;
        this.validator = new UpdateValidator(service.plan(), new SafeTensors.Limits(config.maxBodyBytes(), 1 << 20, 1024));
        this.gate = new UploadGate(config.uploads().maxConcurrent(), config.uploads().perClientPerMinute());
        this.peer = config.replication().peerUrl() == null ? null : new PeerLink(config.replication(), service, validator);
    }

    /** Who is asking, which decides what they see. */
    record Viewer(Kind kind, String name) {
        enum Kind { OPEN, ADMIN, CLIENT }

        static final Viewer OPEN = new Viewer(Kind.OPEN, null);

        /** Admin tokens and {@code --open} see every site; a site's token sees its own. */
        boolean seesEverySite() {
            return kind != Kind.CLIENT;
        }

        String json() {
            return kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The link to the primary or backup; null for a server on its own. */
    PeerLink peer() {
        return peer;
    }

    void routes(Javalin app) throws IOException {
        app.get("/health", guard(ctx -> json(ctx, 200, JSON.createObjectNode().put("status", "ok"))));
        app.post("/upload", guard(this::upload));
        app.get("/download", guard(this::download));
        app.get("/status", guard(ctx -> json(ctx, 200, status(authenticate(ctx)))));
        app.get("/plan", guard(ctx -> {
            authenticate(ctx);
            send(ctx, 200, "application/json", service.plan().toJson());
        }));
        app.get("/metrics", guard(ctx -> {
            requireOverview(ctx);
            var rounds = service.history();
            send(ctx, 200, "text/plain; version=0.0.4", metrics.render(service.snapshot(), connectedClients(),
                    rounds.isEmpty() ? null : rounds.get(rounds.size() - 1), service.store().latest().bytes().length)
                    .getBytes(StandardCharsets.UTF_8));
        }));
        app.get("/api/v1/history", guard(ctx -> {
            requireOverview(ctx);
            json(ctx, 200, RoundHistory.json(service));
        }));
        app.post("/api/v1/admin/execute", guard(ctx -> {
            requireAdmin(ctx);
            Optional<AggregationService.Round> r = service.execute();
            json(ctx, 200, JSON.createObjectNode().put("aggregated", r.isPresent()).put("contributors", r.map(x -> x.contributors()).orElse(0))
                    .put("global_version", service.store().latestVersion()));
        }));
        // Replication (PeerLink): the peer server reads these with an admin token.
        app.get("/api/v1/sync", guard(ctx -> {
            requireAdmin(ctx);
            json(ctx, 200, PeerLink.syncJson(service, peer));
        }));
        app.get("/api/v1/sync/queued/{seq}", guard(ctx -> {
            requireAdmin(ctx);
            long seq;
            try {
                seq = Long.parseLong(ctx.pathParam("seq"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("seq must be an integer");
            }
            byte[] b = service.queuedBytes(seq).orElseThrow(() -> new ApiException(404, "not_queued", "update " + seq + " is not queued"));
            send(ctx, 200, "application/octet-stream", b);
        }));
        app.post("/api/v1/sync/handover", guard(ctx -> {
            requireAdmin(ctx);
            if (peer == null || peer.role() != PeerLink.Role.BACKUP) {
                throw new ApiException(409, "not_a_backup", "only a backup (--backup-of) hands over to its primary");
            }
            json(ctx, 200, peer.handOver());
        }));
        app.post("/api/v1/admin/clear", guard(ctx -> {
            requireAdmin(ctx);
            json(ctx, 200, JSON.createObjectNode().put("cleared", service.clear()));
        }));
        // The coordinator's page at GET / and the JSON it reads (clients, events): its own class.
        new Dashboard(service, config, this::authenticate, this::guard).routes(app);
        app.exception(ApiException.class, (e, ctx) -> error(ctx, e));
        app.exception(Exception.class, (e, ctx) -> {
            LoggerFactory.getLogger(HttpApi.class).error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, new ApiException(500, "internal", "the server failed on this request; it is logged"));
        });
        app.error(404, ctx -> {
            if (ctx.attribute("out") == null) error(ctx, new ApiException(404, "not_found", "no endpoint " + ctx.method() + " " + ctx.path()));
        });
        app.error(405, ctx -> {
            if (ctx.attribute("out") == null) error(ctx, new ApiException(405, "method_not_allowed", ctx.method() + " " + ctx.path()));
        });
    }

    /** Logged after each request; also feeds the request metrics. */
    void log(Context ctx, float ms) {
        long in = Math.max(0, ctx.req().getContentLengthLong());
        Long out = ctx.attribute("out");
        long outBytes = out == null ? 0 : out;
        metrics.request(ctx.statusCode(), in, outBytes);
        String client = ctx.attribute("client");
        REQUESTS.info("{} client={} {} {} {} in={}B out={}B {}ms", ctx.ip(), client == null ? "-" : client, ctx.method(), ctx.path(),
                ctx.statusCode(), in, outBytes, String.format("%.1f", ms));
    }

    private Handler guard(Handler h) {
        return ctx -> {
            if (stopping) throw new ApiException(503, "stopping", "the server is shutting down");
            inFlight.incrementAndGet();
            try {
                h.handle(ctx);
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    /** Upload bodies being received right now. */
    int uploadsReceiving() {
        return gate.receiving();
    }

    /** Refuses new requests and waits (bounded) for those in flight. */
    void drain(Duration timeout) {
        stopping = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * An upload: authenticated; an admin token is refused (it is not a site); the client's rate
     * limit and a receiving slot are checked before a byte is read; the body streams to disk
     * within the size, pace and deadline limits; the file is validated, then queued. Every refusal
     * after authentication is audited as {@code rejected} with its reason (a run of rate-limit
     * refusals once, as {@code rate_limited}).
     */
    private void upload(Context ctx) throws IOException {
        Viewer who = authenticate(ctx);
        long bytes = Math.max(0, ctx.req().getContentLengthLong());
        boolean entered = false;
        IncomingUpload.Received received = null;
        try {
            if (who.kind() == Viewer.Kind.ADMIN) {
                throw new ApiException(403, "forbidden", "'" + who.name() + "' holds an admin token, which cannot upload: updates come"
                        + " from a site's own token");
            }
            if (who.kind() == Viewer.Kind.CLIENT) rateLimit(ctx, who.name());
            if (!gate.tryEnter()) {
                throw new ApiException(503, "busy", config.uploads().maxConcurrent() + " uploads are being received; retry shortly", 5);
            }
            entered = true;
            long max = config.maxBodyBytes();
            if (ctx.req().getContentLengthLong() > max) {
                throw new ApiException(413, "too_large", "body of " + ctx.req().getContentLengthLong() + " bytes exceeds the limit of "
                        + max + " bytes");
            }
            received = IncomingUpload.receive(ctx.req().getInputStream(), service.incomingDir(), max, config.uploads());
            bytes = received.bytes();
            UpdateValidator.Update u = validator.validate(received.file());
            if (who.kind() == Viewer.Kind.CLIENT && !who.name().equals(u.clientId())) {
                throw new ApiException(403, "forbidden", "this token belongs to '" + who.name() + "' and cannot upload as '" + u.clientId() + "'");
            }
            ctx.attribute("client", u.clientId());
            lastSeen.put(u.clientId(), Instant.now());
            AggregationService.Accepted a = service.accept(u, received, ctx.ip());
            metrics.upload(a.quarantined() != null ? "quarantined" : a.duplicate() ? "duplicate" : "accepted");
            ObjectNode r = JSON.createObjectNode().put("accepted", a.quarantined() == null).put("update_id", a.updateId())
                    .put("duplicate", a.duplicate()).put("queue_size", a.queueSize()).put("capacity", service.capacity())
                    .put("aggregated", a.aggregated()).put("global_version", a.globalVersion());
            if (a.quarantined() != null) r.put("quarantined", true).put("reason", a.quarantined());
            json(ctx, 200, r);
        } catch (ApiException e) {
            if (!e.error().equals("rate_limited")) {
                metrics.upload("rejected");
                ObjectNode r = AuditLog.event("rejected");
                r.put("status", e.status()).put("error", e.error()).put("reason", AuditText.reason(e.detail())).put("address", ctx.ip())
                        .put("client", (String) ctx.attribute("client")).put("bytes", bytes);
                service.audit(r, false);
            }
            throw e;
        } finally {
            if (received != null) received.discard();
            if (entered) gate.leave();
        }
    }

    private void rateLimit(Context ctx, String client) {
        UploadGate.Limited l = gate.take(client, System.nanoTime());
        if (l == null) return;
        metrics.upload("rate_limited");
        if (l.firstOfRun()) {
            ObjectNode r = AuditLog.event("rate_limited");
            r.put("client", client).put("address", ctx.ip()).put("limit_per_minute", config.uploads().perClientPerMinute());
            service.audit(r, false);
        }
        throw new ApiException(429, "rate_limited", "'" + client + "' may start " + config.uploads().perClientPerMinute()
                + " uploads a minute (retries included); retry in " + l.retryAfterSeconds() + " s", l.retryAfterSeconds());
    }

    private void download(Context ctx) throws IOException {
        authenticate(ctx);
        var models = service.store();
        String param = ctx.queryParam("version");
        long version;
        byte[] bytes;
        String etag;
        if (param == null) {
            FederationStore.Latest l = models.latest();
            version = l.version();
            bytes = l.bytes();
            etag = l.etag();
        } else {
            try {
                version = Long.parseLong(param);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("version must be an integer, not '" + param + "'");
            }
            var kept = models.bytes(version);
            if (kept.isEmpty()) throw new ApiException(404, "version_not_kept", "global version " + version + " is not kept (kept: " + models.kept() + ")");
            bytes = kept.get();
            etag = "\"v" + version + "-" + service.plan().fingerprint().substring(0, 12) + "\"";
        }
        ctx.header("ETag", etag);
        ctx.header("X-LungFL-Version", Long.toString(version));
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            ctx.attribute("out", 0L);
            return;
        }
        send(ctx, 200, "application/octet-stream", bytes);
    }

    /** {@code /status} as the coordinator sees it (the console's {@code status}). */
    ObjectNode status() throws IOException {
        return status(Viewer.OPEN);
    }

    /** {@code /status} as {@code viewer} may see it: a site sees its own queued entries only. */
    ObjectNode status(Viewer viewer) throws IOException {
        AggregationService.Snapshot s = service.snapshot();
        boolean all = viewer.seesEverySite();
        ObjectNode n = JSON.createObjectNode();
        n.put("queue_size", s.queueSize()).put("capacity", s.capacity());
        if (all) n.put("connected_clients", connectedClients());
        n.put("global_model_available", true).put("global_version", s.globalVersion());
        var queued = n.putArray("queued_clients");
        for (QueuedUpdate u : s.queued()) {
            if (!all && !u.clientId().equals(viewer.name())) continue;
            queued.addObject().put("client_id", u.clientId()).put("address", u.address()).put("received_at", u.receivedAt().toString())
                    .put("num_samples", u.numSamples()).put("base_version", u.baseVersion());
        }
        n.put("rounds_completed", s.roundsCompleted());
        n.put("last_aggregation_at", s.lastAggregationAt() == null ? null : s.lastAggregationAt().toString());
        n.set("validation", validationFor(viewer, service.latestValidation(s.globalVersion())));
        n.set("screening", screeningFor(viewer, service.screening().status()));
        n.set("privacy", service.privacyStatus(s.globalVersion()));
        if (peer == null) n.put("role", "primary").put("state", "active").put("accepting_uploads", true).putNull("peer");
        else peer.status(n);
        if (!all) n.remove("peer");
        n.put("auth", config.open() ? "open" : "tokens");
        n.put("visibility", viewer.json());
        AggregationService.Refusal r = service.refused();
        if (r == null) {
            n.putNull("aggregation_refused");
        } else {
            ObjectNode o = n.putObject("aggregation_refused");
            o.put("version", r.version()).put("reason", r.reason()).put("at", r.at().toString());
            if (all) r.clientIds().forEach(o.putArray("clients")::add);
        }
        if (all) {
            var q = n.putArray("quarantined");
            for (Quarantine.Entry e : service.quarantined()) {
                q.addObject().put("file", e.file()).put("moved_to", e.movedTo()).put("reason", e.reason()).put("at", e.at().toString());
            }
        }
        return n;
    }

    /** Screening as {@code viewer} may see it: a site sees only its own quarantined updates (others' ids stay private). */
    private static ObjectNode screeningFor(Viewer viewer, ObjectNode screening) {
        if (viewer.seesEverySite()) return screening;
        var all = (com.fasterxml.jackson.databind.node.ArrayNode) screening.remove("quarantined");
        var own = screening.putArray("quarantined");
        if (all != null) for (var e : all) if (e.path("client_id").asText().equals(viewer.name())) own.add(e);
        return screening;
    }

    /**
     * The validation summary of the newest version as {@code viewer} may see it. A site gets the
     * federation's sample-weighted means without the per-site list, and only when they cannot be
     * reduced to one other site's figures (with just one other reporter, its own metrics subtract
     * out): the result of the federation is shared, another hospital's figures are not.
     */
    private static ObjectNode validationFor(Viewer viewer, ObjectNode summary) {
        if (summary == null || viewer.seesEverySite()) return summary;
        int others = 0;
        for (var c : summary.path("clients")) if (!c.path("client_id").asText().equals(viewer.name())) others++;
        if (others == 1) return null;
        ObjectNode shared = summary.deepCopy();
        shared.remove("clients");
        return shared;
    }

    int connectedClients() {
        Instant since = Instant.now().minus(CONNECTED_WINDOW);
        lastSeen.values().removeIf(t -> t.isBefore(since));
        return lastSeen.size();
    }

    /**
     * Who is calling: {@link Viewer#OPEN} in --open mode; 401 (and nothing more) for a missing or
     * wrong token. Routes defined elsewhere (the dashboard) decide what to show with this.
     */
    Viewer authenticate(Context ctx) {
        if (config.open()) {
            String claimed = ctx.header("X-LungFL-Client");
            if (claimed != null && Tokens.NAME.matcher(claimed).matches()) {
                ctx.attribute("client", claimed);
                lastSeen.put(claimed, Instant.now());
            }
            return Viewer.OPEN;
        }
        Optional<Tokens.Principal> p = bearer(ctx).flatMap(tokens::authenticate);
        if (p.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "a valid bearer token is required");
        }
        ctx.attribute("client", p.get().name());
        if (!p.get().admin()) lastSeen.put(p.get().name(), Instant.now());
        return new Viewer(p.get().admin() ? Viewer.Kind.ADMIN : Viewer.Kind.CLIENT, p.get().name());
    }

    /** The token of an {@code Authorization: Bearer ...} header; the scheme in any case, as HTTP says (RFC 9110 11.1). */
    static Optional<String> bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null) return Optional.empty();
        h = h.strip();
        int space = 0;
        while (space < h.length() && !Character.isWhitespace(h.charAt(space))) space++;
        if (!h.substring(0, space).equalsIgnoreCase("Bearer")) return Optional.empty();
        String token = h.substring(space).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /**
     * The admin endpoints. With tokens: an admin token. In --open mode: an admin token when one is
     * configured, otherwise only a caller on this machine (loopback), so that an open server on a
     * LAN cannot be cleared or driven from another host.
     */
    void requireAdmin(Context ctx) {
        if (!config.open()) {
            if (authenticate(ctx).kind() != Viewer.Kind.ADMIN) throw new ApiException(403, "forbidden", "admin token required");
            return;
        }
        authenticate(ctx);
        boolean adminConfigured;
        try {
            adminConfigured = tokens.list().stream().anyMatch(Tokens.Entry::admin);
        } catch (org.lungfl.core.UserFacingException unreadable) {
            adminConfigured = true; // fail closed: no token can be checked
        }
        if (adminConfigured) {
            Optional<Tokens.Principal> p = bearer(ctx).flatMap(tokens::authenticate);
            if (p.isEmpty()) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiException(401, "unauthorized", "an admin token is required for the admin endpoints");
            }
            if (!p.get().admin()) throw new ApiException(403, "forbidden", "admin token required");
            return;
        }
        if (!isLoopback(ctx.req().getRemoteAddr())) {
            throw new ApiException(403, "forbidden", "in --open mode the admin endpoints answer only on this machine (loopback) unless an"
                    + " admin token is configured (`lungfl server token add NAME --admin`)");
        }
    }

    /** History and metrics name every site: the coordinator's (admin token, or anyone in --open mode). */
    void requireOverview(Context ctx) {
        if (!authenticate(ctx).seesEverySite()) {
            throw new ApiException(403, "forbidden", "the history and metrics are the coordinator's: an admin token is required");
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return address != null && java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private void error(Context ctx, ApiException e) {
        if (e.retryAfterSeconds() >= 0) ctx.header("Retry-After", Long.toString(Math.max(1, e.retryAfterSeconds())));
        json(ctx, e.status(), JSON.createObjectNode().put("error", e.error()).put("detail", e.detail()));
    }

    static void json(Context ctx, int status, ObjectNode body) {
        try {
            send(ctx, status, "application/json", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void send(Context ctx, int status, String type, byte[] bytes) {
        ctx.status(status).contentType(type).result(bytes);
        ctx.attribute("out", (long) bytes.length);
    }
}
