package org.lungfl.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site's client of the federation: the server's API over a list of servers, primary first, then
 * backups. A request that gets no answer, times out or meets a server-side failure (5xx) goes to
 * the next server; when all have failed it waits ({@link Failover}) and tries again. A refusal
 * (4xx) is final and explains what to do. Safe for one thread at a time.
 */
public final class FlClient {
    private static final Logger LOG = LoggerFactory.getLogger(FlClient.class);

    /** A global model as downloaded. */
    public record Model(long version, String etag, byte[] safetensors) {
        public Weights weights() {
            return SafeTensors.read(safetensors).weights();
        }
    }

    /**
     * The server's acknowledgement of an upload (DESIGN.md, {@code POST /upload}); {@code quarantined}
     * is the server's reason when its update screening kept the update out of aggregation, else null.
     */
    public record UploadResult(String updateId, boolean duplicate, int queueSize, int capacity, boolean aggregated, long globalVersion,
            String quarantined) {}

    /** What a site sends with its weights; travels in the safetensors {@code __metadata__}. */
    public record Update(String updateId, long numSamples, long baseVersion, String planFingerprint, String metricsJson) {}

    /** Told when requests move to another server of the list (a failover, or back to the primary). */
    public interface ServerSwitchListener {
        /** @param cause why {@code from} was left; null when the client returns to the primary because it answers again */
        void switched(URI from, URI to, FlClientException cause);
    }

    private final List<ServerConnection> servers;
    private final String clientId;
    private final Failover failover;
    private final StopSignal stop;
    private int current;
    private long leftPrimaryAt;
    private Model lastGlobal;
    private volatile ServerSwitchListener switchListener = (from, to, cause) -> {};

    /**
     * @param servers primary first, then backups
     * @param token the site's bearer token, or null for a server in {@code --open} mode
     * @param clientId this site's id; with tokens it must be the token's name
     * @param trustedCa null for the JVM's trust store, else the only CA whose certificates are accepted
     */
    public FlClient(List<URI> servers, String token, String clientId, SSLContext trustedCa, Duration requestTimeout, Failover failover,
            StopSignal stop) {
        if (servers.isEmpty()) throw new UserFacingException("no server given (--server URL)");
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (trustedCa != null) b.sslContext(trustedCa);
        HttpClient http = b.build();
        List<ServerConnection> list = new ArrayList<>();
        for (URI u : servers) {
            String scheme = u.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme) || u.getHost() == null) {
                throw new UserFacingException("server '" + u + "': give an http:// or https:// URL with a host");
            }
            list.add(new ServerConnection(u, token, clientId, http, requestTimeout));
        }
        this.servers = List.copyOf(list);
        this.clientId = clientId;
        this.failover = failover;
        this.stop = stop;
    }

    /** One server, one attempt per request: the core API for one-shot commands and tools. */
    public FlClient(URI server, String token, String clientId) {
        this(List.of(server), token, clientId, null, Duration.ofMinutes(5), Failover.ONCE, new StopSignal());
    }

    /** Tells {@code l} about every move between servers (the desktop client shows it); returns this client. */
    public FlClient onServerSwitch(ServerSwitchListener l) {
        this.switchListener = l;
        return this;
    }

    /** The server that answered last. */
    public URI server() {
        return servers.get(current).server();
    }

    public String clientId() {
        return clientId;
    }

    /** {@code GET /health}: whether a LungFL server answers at all (no token needed). */
    public void health() {
        call("GET /health", s -> {
            s.health();
            return null;
        });
    }

    public FederationPlan plan() {
        return call("GET /plan", ServerConnection::plan);
    }

    /** The server's {@code /status} JSON: queue, capacity, global version, role, latest validation metrics. */
    public JsonNode checkServerStatus() {
        return call("GET /status", ServerConnection::status);
    }

    public JsonNode status() {
        return checkServerStatus();
    }

    /** {@code GET /api/v1/history}: per global version, contributors, samples and sample-weighted validation metrics. */
    public JsonNode history() {
        return call("GET /api/v1/history", ServerConnection::history);
    }

    /**
     * The newest global model. The ETag of the last one travels along, so an unchanged model costs
     * a 304 and no transfer. A backup serves the same versions, so the cached copy stays valid
     * across a failover.
     */
    public Model downloadGlobalModel() {
        String etag = lastGlobal == null ? null : lastGlobal.etag();
        Optional<Model> fresh = call("GET /download", s -> s.download(etag));
        if (fresh.isPresent()) lastGlobal = fresh.get();
        return lastGlobal;
    }

    /** The latest global model; empty when it still has the ETag {@code ifNoneMatch}. */
    public Optional<Model> download(String ifNoneMatch) {
        return call("GET /download", s -> s.download(ifNoneMatch));
    }

    /** A specific kept version. */
    public Model download(long version) {
        return call("GET /download?version=" + version, s -> s.download(version));
    }

    /**
     * Uploads trained weights. Retried with the same {@code update_id} after any failure, so an
     * upload whose acknowledgement was lost is recognised as a duplicate and never counted twice.
     */
    public UploadResult sendUpdate(Weights weights, Update u) {
        return upload(SafeTensors.write(weights, metadata(clientId, u)));
    }

    /** The {@code __metadata__} of an update (DESIGN.md): for callers that write the update to disk before sending it. */
    public static Map<String, String> metadata(String clientId, Update u) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("client_id", clientId);
        m.put("update_id", u.updateId());
        m.put("num_samples", Long.toString(u.numSamples()));
        m.put("base_version", Long.toString(u.baseVersion()));
        m.put("plan_fingerprint", u.planFingerprint());
        if (u.metricsJson() != null) m.put("metrics", u.metricsJson());
        return m;
    }

    /** Uploads a safetensors update whose {@code __metadata__} carries client and update ids. */
    public UploadResult upload(byte[] safetensors) {
        return call("POST /upload", s -> s.upload(safetensors));
    }

    /**
     * Runs {@code op} on the preferred server, then on the others in list order, then again after
     * a backoff, until one answers or the failover budget is spent. The primary is preferred again
     * once {@code primaryRetry} has passed since the client left it.
     */
    private <T> T call(String what, Function<ServerConnection, T> op) {
        long deadline = System.nanoTime() + failover.giveUpAfter().toNanos();
        FlClientException last = null;
        FlClientException[] failures = new FlClientException[servers.size()];
        for (int pass = 0; ; pass++) {
            for (int i : order()) {
                stop.check();
                try {
                    T result = op.apply(servers.get(i));
                    use(i, failures[current]);
                    return result;
                } catch (FlClientException e) {
                    if (!e.retryable()) throw e;
                    // A primary still down is tried again only after another primaryRetry.
                    if (i == 0 && current != 0) leftPrimaryAt = System.nanoTime();
                    last = e;
                    failures[i] = e;
                    if (servers.size() > 1) LOG.warn("{}: {}; trying the next server", what, e.getMessage());
                }
            }
            Duration pause = failover.backoff(pass);
            if (System.nanoTime() + pause.toNanos() >= deadline) break;
            LOG.info("{}: no server answered; retrying in {} ms", what, pause.toMillis());
            if (stop.sleep(pause)) throw new StopSignal.Stopped();
        }
        if (servers.size() == 1) throw last;
        FlClientException all = new FlClientException(last.status(), last.error(), "no server answered " + what + " (tried " + servers.stream()
                .map(s -> s.server().toString()).toList() + "); last: " + last.getMessage());
        all.initCause(last);
        throw all;
    }

    private List<Integer> order() {
        List<Integer> order = new ArrayList<>(servers.size());
        boolean retryPrimary = current != 0 && System.nanoTime() - leftPrimaryAt >= failover.primaryRetry().toNanos();
        if (retryPrimary) order.add(0);
        order.add(current);
        for (int i = 0; i < servers.size(); i++) if (!order.contains(i)) order.add(i);
        return order;
    }

    /** {@code cause}: why the current server failed in this request, or null when it was not tried. */
    private void use(int i, FlClientException cause) {
        if (i == current) return;
        if (current == 0) leftPrimaryAt = System.nanoTime();
        LOG.warn(i == 0 ? "back on the primary server {}" : "switched to server {}", servers.get(i).server());
        URI from = servers.get(current).server();
        current = i;
        switchListener.switched(from, servers.get(i).server(), i == 0 ? null : cause);
    }
}
