package org.lungfl.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
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
 */
final class HttpApi {
    private static final Logger REQUESTS = LoggerFactory.getLogger("org.lungfl.server.requests");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration CONNECTED_WINDOW = Duration.ofMinutes(10);

    private final AggregationService service;
    private final TokenStore tokens;
    private final ServerConfig config;
    private final UpdateValidator validator;
    private final PeerLink peer;
    private final ServerMetrics metrics = new ServerMetrics();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;

    HttpApi(AggregationService service, TokenStore tokens, ServerConfig config) {
        this.service = service;
        this.tokens = tokens;
        this.config = config;
        this.validator = new UpdateValidator(service.plan(), new SafeTensors.Limits(config.maxBodyBytes(), 1 << 20, 1024));
        this.peer = config.replication().peerUrl() == null ? null : new PeerLink(config.replication(), service, validator);
    }

    /** The link to the primary or backup; null for a server on its own. */
    PeerLink peer() {
        return peer;
    }

    void routes(Javalin app) throws IOException {
        app.get("/health", guard(ctx -> json(ctx, 200, JSON.createObjectNode().put("status", "ok"))));
        app.post("/upload", guard(this::upload));
        app.get("/download", guard(this::download));
        app.get("/status", guard(ctx -> {
            authenticate(ctx);
            json(ctx, 200, status());
        }));
        app.get("/plan", guard(ctx -> {
            authenticate(ctx);
            send(ctx, 200, "application/json", service.plan().toJson());
        }));
        app.get("/metrics", guard(ctx -> {
            authenticate(ctx);
            var rounds = service.history();
            send(ctx, 200, "text/plain; version=0.0.4", metrics.render(service.snapshot(), connectedClients(),
                    rounds.isEmpty() ? null : rounds.get(rounds.size() - 1), service.models().latest().bytes().length)
                    .getBytes(StandardCharsets.UTF_8));
        }));
        app.get("/api/v1/history", guard(ctx -> {
            authenticate(ctx);
            json(ctx, 200, RoundHistory.json(service));
        }));
        app.post("/api/v1/admin/execute", guard(ctx -> {
            requireAdmin(ctx);
            Optional<AggregationService.Round> r = service.execute();
            json(ctx, 200, JSON.createObjectNode().put("aggregated", r.isPresent()).put("contributors", r.map(x -> x.contributors()).orElse(0))
                    .put("global_version", service.models().latestVersion()));
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

    private void upload(Context ctx) throws IOException {
        TokenStore.Principal who = authenticate(ctx);
        byte[] body = boundedBody(ctx);
        UpdateValidator.Update u;
        try {
            u = validator.validate(body);
            if (who != null && !who.name().equals(u.clientId())) {
                throw new ApiException(403, "forbidden", "this token belongs to '" + who.name() + "' and cannot upload as '" + u.clientId() + "'");
            }
        } catch (ApiException e) {
            metrics.upload("rejected");
            ObjectNode r = AuditLog.event("rejected");
            r.put("status", e.status()).put("error", e.error()).put("address", ctx.ip()).put("client", (String) ctx.attribute("client"))
                    .put("bytes", body.length);
            service.audit().append(r, false);
            throw e;
        }
        ctx.attribute("client", u.clientId());
        lastSeen.put(u.clientId(), Instant.now());
        AggregationService.Accepted a = service.accept(u, body, ctx.ip());
        metrics.upload(a.quarantined() != null ? "quarantined" : a.duplicate() ? "duplicate" : "accepted");
        ObjectNode r = JSON.createObjectNode().put("accepted", a.quarantined() == null).put("update_id", a.updateId()).put("duplicate", a.duplicate())
                .put("queue_size", a.queueSize()).put("capacity", service.capacity()).put("aggregated", a.aggregated())
                .put("global_version", a.globalVersion());
        if (a.quarantined() != null) r.put("quarantined", true).put("reason", a.quarantined());
        json(ctx, 200, r);
    }

    /** The body, refused with 413 as soon as it is known to be over the limit (before reading it all). */
    private byte[] boundedBody(Context ctx) throws IOException {
        long max = config.maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) throw tooLarge(declared + " bytes");
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (body.length > max) throw tooLarge("over " + max + " bytes");
            return body;
        }
    }

    private ApiException tooLarge(String what) {
        return new ApiException(413, "too_large", "body of " + what + " exceeds the limit of " + config.maxBodyBytes() + " bytes");
    }

    private void download(Context ctx) throws IOException {
        authenticate(ctx);
        var models = service.models();
        String param = ctx.queryParam("version");
        long version;
        byte[] bytes;
        String etag;
        if (param == null) {
            ModelStore.Latest l = models.latest();
            version = l.version();
            bytes = l.bytes();
            etag = l.etag();
        } else {
            try {
                version = Long.parseLong(param);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("version must be an integer, not '" + param + "'");
            }
            bytes = models.bytes(version).orElseThrow(() -> new ApiException(404, "version_not_kept", "global version " + version
                    + " is not kept (kept: " + models.kept() + ")"));
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

    ObjectNode status() {
        AggregationService.Snapshot s = service.snapshot();
        ObjectNode n = JSON.createObjectNode();
        n.put("queue_size", s.queueSize()).put("capacity", s.capacity()).put("connected_clients", connectedClients())
                .put("global_model_available", true).put("global_version", s.globalVersion());
        var queued = n.putArray("queued_clients");
        for (QueuedUpdate u : s.queued()) {
            queued.addObject().put("client_id", u.clientId()).put("address", u.address()).put("received_at", u.receivedAt().toString())
                    .put("num_samples", u.numSamples()).put("base_version", u.baseVersion());
        }
        n.put("rounds_completed", s.roundsCompleted());
        n.put("last_aggregation_at", s.lastAggregationAt() == null ? null : s.lastAggregationAt().toString());
        n.set("validation", service.validation().latest(s.globalVersion()));
        n.set("screening", service.screening().status());
        n.set("privacy", service.privacy().status(s.globalVersion()));
        if (peer == null) n.put("role", "primary").put("state", "active").put("accepting_uploads", true).putNull("peer");
        else peer.status(n);
        n.put("auth", config.open() ? "open" : "tokens");
        return n;
    }

    int connectedClients() {
        Instant since = Instant.now().minus(CONNECTED_WINDOW);
        lastSeen.values().removeIf(t -> t.isBefore(since));
        return lastSeen.size();
    }

    /** The caller's token, or null in --open mode; 401 (and nothing more) for a missing or wrong one. */
    private TokenStore.Principal authenticate(Context ctx) {
        if (config.open()) {
            String claimed = ctx.header("X-LungFL-Client");
            if (claimed != null && TokenStore.NAME.matcher(claimed).matches()) {
                ctx.attribute("client", claimed);
                lastSeen.put(claimed, Instant.now());
            }
            return null;
        }
        String h = ctx.header("Authorization");
        Optional<TokenStore.Principal> p = h != null && h.startsWith("Bearer ")
                ? tokens.authenticate(h.substring(7).strip()) : Optional.empty();
        if (p.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "a valid bearer token is required");
        }
        ctx.attribute("client", p.get().name());
        if (!p.get().admin()) lastSeen.put(p.get().name(), Instant.now());
        return p.get();
    }

    private void requireAdmin(Context ctx) {
        TokenStore.Principal p = authenticate(ctx);
        if (p != null && !p.admin()) throw new ApiException(403, "forbidden", "admin token required");
    }

    private void error(Context ctx, ApiException e) {
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
