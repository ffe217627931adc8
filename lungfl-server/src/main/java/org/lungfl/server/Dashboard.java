package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The coordinator's live dashboard: {@code GET /} and its assets (plain HTML, CSS and JavaScript
 * from the jar, the uPlot WebJar for the chart), and the JSON it reads beside {@code /status} and
 * {@code /api/v1/history}: {@code /api/v1/server}, {@code /api/v1/clients}, {@code /api/v1/events}.
 *
 * <p>The page holds no data: it asks for a token, keeps it in {@code sessionStorage} and sends it
 * as a bearer header, so there is no cookie to forge across sites and no token in a URL or a log.
 * What the JSON shows depends on the token: an admin token (or {@code --open}) sees every client;
 * a client token sees the federation's aggregate view and its own rows only.
 */
final class Dashboard {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** No inline script or style, nothing from elsewhere: the page runs only the jar's own files. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final int MAX_EVENTS = 500;
    /** Events every token may see (with other clients' entries removed); the rest only when they name the viewer. */
    private static final Set<String> FEDERATION_EVENTS = Set.of("started", "stopped", "aggregated", "synced", "cleared", "takeover",
            "started_alone", "handover", "handed_over", "split_brain");

    /** The caller's token: null in {@code --open} mode; throws 401 for a missing or wrong one. */
    interface Auth {
        HttpApi.Viewer authenticate(Context ctx);
    }

    /** Who is looking: a client token sees only its own rows. */
    record Viewer(String name, boolean admin) {
        static Viewer of(HttpApi.Viewer v) {
            return new Viewer(v.name(), v.seesEverySite());
        }

        boolean sees(String clientId) {
            return admin || (clientId != null && clientId.equals(name));
        }
    }

    private record Asset(String resource, String type) {}

    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private static final Map<String, Asset> ASSETS = Map.of(
            "/", new Asset("org/lungfl/server/dashboard/index.html", "text/html; charset=utf-8"),
            "/dashboard/app.js", new Asset("org/lungfl/server/dashboard/app.js", "text/javascript; charset=utf-8"),
            "/dashboard/app.css", new Asset("org/lungfl/server/dashboard/app.css", "text/css; charset=utf-8"),
            "/dashboard/icon.svg", new Asset("org/lungfl/server/dashboard/icon.svg", "image/svg+xml"),
            "/dashboard/uPlot.min.js", new Asset(UPLOT + "{version}/dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "/dashboard/uPlot.min.css", new Asset(UPLOT + "{version}/dist/uPlot.min.css", "text/css; charset=utf-8"));

    private final AggregationService service;
    private final ServerConfig config;
    private final Auth auth;
    private final UnaryOperator<Handler> guard;
    private final Instant started = Instant.now();
    /** Read from the jar on first request, not at start: the server's start stays quick. */
    private final Map<String, byte[]> assets = new ConcurrentHashMap<>();

    Dashboard(AggregationService service, ServerConfig config, Auth auth, UnaryOperator<Handler> guard) throws IOException {
        this.service = service;
        this.config = config;
        this.auth = auth;
        this.guard = guard;
    }

    void routes(Javalin app) {
        // Every answer, JSON included, is what its Content-Type says: nothing for a browser to sniff.
        app.before(ctx -> ctx.header("X-Content-Type-Options", "nosniff"));
        for (String path : ASSETS.keySet()) app.get(path, guard.apply(ctx -> asset(ctx, path)));
        app.get("/api/v1/server", guard.apply(ctx -> json(ctx, server(Viewer.of(auth.authenticate(ctx))))));
        app.get("/api/v1/clients", guard.apply(ctx -> json(ctx, clients(Viewer.of(auth.authenticate(ctx))))));
        app.get("/api/v1/events", guard.apply(ctx -> {
            Viewer v = Viewer.of(auth.authenticate(ctx));
            json(ctx, events(v, intParam(ctx, "after", -1, -1, Long.MAX_VALUE), (int) intParam(ctx, "limit", 100, 1, MAX_EVENTS)));
        }));
        // A client that downloads or reads the plan is alive even while it trains (only clients that uploaded before get a row).
        app.after(ctx -> {
            String client = ctx.attribute("client");
            if (client != null && ctx.statusCode() < 400 && (ctx.path().equals("/download") || ctx.path().equals("/plan"))) {
                service.store().requested(client, ctx.ip(), Instant.now());
            }
        });
    }

    private void asset(Context ctx, String path) throws IOException {
        Asset a = ASSETS.get(path);
        byte[] bytes = assets.get(path);
        if (bytes == null) {
            String resource = a.resource().replace("{version}", uplotVersion());
            try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) throw new ApiException(500, "missing_asset", "the server jar lacks " + resource);
                bytes = in.readAllBytes();
            }
            // The page knows before any request whether to ask for a token (no 401 to provoke).
            if (path.equals("/")) {
                bytes = new String(bytes, StandardCharsets.UTF_8).replace("{{auth}}", config.open() ? "open" : "tokens")
                        .getBytes(StandardCharsets.UTF_8);
            }
            assets.put(path, bytes);
        }
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Cache-Control", "no-cache");
        HttpApi.send(ctx, 200, a.type(), bytes);
    }

    private static String uplotVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) throw new ApiException(500, "missing_asset", "the uPlot WebJar is not on the server's classpath");
            p.load(in);
        }
        return p.getProperty("version");
    }

    /** {@code GET /api/v1/server}: what does not change while the server runs, its uptime, and who is asking. */
    ObjectNode server(Viewer v) {
        Instant now = Instant.now();
        ObjectNode n = JSON.createObjectNode();
        n.put("server_time", now.toString()).put("started_at", started.toString())
                .put("uptime_seconds", Duration.between(started, now).toSeconds());
        n.putObject("plan").put("name", service.plan().name()).put("fingerprint", service.plan().fingerprint());
        n.put("capacity", service.capacity()).put("auth", config.open() ? "open" : "tokens").put("tls", config.tls());
        n.putObject("viewer").put("name", v.name()).put("admin", v.admin());
        return n;
    }

    /** {@code GET /api/v1/clients}: every client seen (a client token: itself only). */
    ObjectNode clients(Viewer v) throws IOException, InterruptedException {
        Set<String> queued = new HashSet<>();
        for (QueuedUpdate u : service.snapshot().queued()) queued.add(u.clientId());
        ObjectNode n = JSON.createObjectNode();
        n.put("scope", v.admin() ? "all" : "own");
        ArrayNode rows = n.putArray("clients");
        for (ClientSighting s : service.store().clients().all()) {
            if (!v.sees(s.clientId())) continue;
            ObjectNode r = rows.addObject();
            r.put("client_id", s.clientId()).put("first_seen", str(s.firstSeen())).put("last_seen", str(s.lastSeen()))
                    .put("address", s.address()).put("last_upload_at", str(s.lastUploadAt())).put("accepted", s.accepted())
                    .put("rejected", s.rejected()).put("duplicate", s.duplicate()).put("queued", queued.contains(s.clientId()));
            r.set("last_metrics", s.lastMetrics());
            r.put("last_metrics_at", str(s.lastMetricsAt()));
            if (s.lastRejection() == null) r.putNull("last_rejection");
            else r.putObject("last_rejection").put("at", s.lastRejection().at().toString()).put("status", s.lastRejection().status())
                    .put("error", s.lastRejection().error());
        }
        return n;
    }

    /** {@code GET /api/v1/events}: the audit log's tail, each event with its {@code id} (position in the log). */
    ObjectNode events(Viewer v, long after, int limit) throws IOException, InterruptedException {
        ObjectNode n = JSON.createObjectNode();
        ArrayNode out = n.putArray("events");
        long last = after;
        for (AuditTail.Entry e : service.store().events(after, limit)) {
            last = e.id();
            ObjectNode shown = visible(e.event(), v);
            if (shown != null) out.add(shown.put("id", e.id()));
        }
        // Where to continue from, even when every event in this page was another client's.
        n.put("last_id", Math.max(last, after < 0 ? service.store().lastEventId() : after));
        return n;
    }

    /** The event as {@code v} may see it, or null; every per-client list also gets its full count. */
    static ObjectNode visible(JsonNode event, Viewer v) {
        ObjectNode e = event.deepCopy();
        String name = e.path("event").asText();
        for (String list : new String[] {"contributors", "updates"}) {
            if (!(e.get(list) instanceof ArrayNode all)) continue;
            e.put(list.equals("contributors") ? "contributor_count" : "update_count", all.size());
            if (v.admin()) continue;
            ArrayNode own = JSON.createArrayNode();
            for (JsonNode c : all) if (v.sees(c.path("client_id").asText(null))) own.add(c);
            e.set(list, own);
        }
        if (v.admin() || FEDERATION_EVENTS.contains(name)) return e;
        String client = e.has("client_id") ? e.path("client_id").asText(null) : e.path("client").asText(null);
        return v.sees(client) ? e : null;
    }

    private static long intParam(Context ctx, String name, long fallback, long min, long max) {
        String s = ctx.queryParam(name);
        if (s == null) return fallback;
        try {
            long x = Long.parseLong(s);
            if (x >= min && x <= max) return x;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name + " must be an integer " + (max == Long.MAX_VALUE ? ">= " + min : "from " + min + " to " + max)
                + ", not '" + s + "'");
    }

    private static String str(Instant t) {
        return t == null ? null : t.toString();
    }

    private static void json(Context ctx, ObjectNode body) {
        // Per-site detail: never kept in a browser's or proxy's cache.
        ctx.header("Cache-Control", "no-store");
        HttpApi.json(ctx, 200, body);
    }
}
