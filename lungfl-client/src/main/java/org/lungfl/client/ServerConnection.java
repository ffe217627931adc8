package org.lungfl.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.lungfl.core.plan.FederationPlan;

/**
 * One server's HTTP API (DESIGN.md): plan, status, history, model download with ETag, update
 * upload with a bearer token. Every refusal becomes a {@link FlClientException} whose message is
 * one line a person can act on. One server only: {@link FlClient} fails over between several.
 */
final class ServerConnection {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final String token;
    private final String clientId;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param token the client's bearer token, or null for a server in {@code --open} mode
     * @param clientId sent as {@code X-LungFL-Client} so an open server can tell clients apart
     */
    ServerConnection(URI server, String token, String clientId, HttpClient http, Duration timeout) {
        String s = server.toString();
        this.server = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.token = token;
        this.clientId = clientId;
        this.http = http;
        this.timeout = timeout;
    }

    URI server() {
        return server;
    }

    void health() {
        send(request("/health").GET());
    }

    FederationPlan plan() {
        return FederationPlan.parse(send(request("/plan").GET()).body(), server + "/plan");
    }

    JsonNode status() {
        return json(send(request("/status").GET()).body(), "/status");
    }

    /** Per global version: contributors, samples and the sample-weighted validation metrics. */
    JsonNode history() {
        return json(send(request("/api/v1/history").GET()).body(), "/api/v1/history");
    }

    /** The latest global model; empty when it still has the ETag {@code ifNoneMatch}. */
    Optional<FlClient.Model> download(String ifNoneMatch) {
        HttpRequest.Builder b = request("/download").GET();
        if (ifNoneMatch != null) b.header("If-None-Match", ifNoneMatch);
        HttpResponse<byte[]> r = send(b);
        if (r.statusCode() == 304) return Optional.empty();
        return Optional.of(model(r));
    }

    /** A specific kept version. */
    FlClient.Model download(long version) {
        return model(send(request("/download?version=" + version).GET()));
    }

    /** Uploads a safetensors update whose {@code __metadata__} carries client and update ids. */
    FlClient.UploadResult upload(byte[] safetensors) {
        HttpResponse<byte[]> r = send(request("/upload").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(safetensors)));
        JsonNode n = json(r.body(), "/upload");
        return new FlClient.UploadResult(n.path("update_id").asText(), n.path("duplicate").asBoolean(), n.path("queue_size").asInt(),
                n.path("capacity").asInt(), n.path("aggregated").asBoolean(), n.path("global_version").asLong(),
                n.path("quarantined").asBoolean() ? n.path("reason").asText("") : null);
    }

    private FlClient.Model model(HttpResponse<byte[]> r) {
        long version = r.headers().firstValue("X-LungFL-Version").map(Long::parseLong)
                .orElseThrow(() -> new FlClientException(r.statusCode(), "protocol", server + ": download without X-LungFL-Version"));
        return new FlClient.Model(version, r.headers().firstValue("ETag").orElse(null), r.body());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).timeout(timeout);
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (clientId != null) b.header("X-LungFL-Client", clientId);
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder b) {
        HttpRequest req = b.build();
        HttpResponse<byte[]> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (javax.net.ssl.SSLException e) {
            // Not a network blip: retrying or failing over would not change the certificate.
            throw new FlClientException(0, "tls", "server " + server + ": TLS failed (" + e.getMessage()
                    + "); if the server uses its own CA or a self-signed certificate, pin it with --ca PEM");
        } catch (IOException e) {
            throw new FlClientException("server " + server + " unreachable: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlClientException(0, FlClientException.INTERRUPTED, "interrupted while talking to " + server);
        }
        int s = r.statusCode();
        if (s == 200 || s == 304) return r;
        String error = "http_" + s, detail = "";
        try {
            JsonNode n = JSON.readTree(r.body());
            error = n.path("error").asText(error);
            detail = n.path("detail").asText("");
        } catch (IOException | RuntimeException notJson) {
            // keep the status alone
        }
        String what = req.method() + " " + req.uri().getPath();
        throw new FlClientException(s, error, switch (s) {
            case 401 -> server + " refused the token (401): check --token/--token-file, or ask the server operator for a token"
                    + " ('lungfl server token add NAME')";
            case 403 -> server + ": " + what + " not allowed (403): " + detail + "; use this site's own token and --client-id";
            case 409 -> server + ": update does not fit (409 " + error + "): " + detail
                    + (error.equals("plan_mismatch") ? "; re-import the data with the server's plan (delete the cache)" : "");
            case 413 -> server + ": update too large (413): " + detail + "; ask the operator to raise --max-body-bytes";
            case 422 -> server + ": update rejected (422): " + detail + "; the local model or sample count is invalid"
                    + " (lower the learning rate if training diverged)";
            default -> server + ": " + what + " failed with " + s + (detail.isEmpty() ? "" : " (" + error + "): " + detail);
        });
    }

    private JsonNode json(byte[] body, String what) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new FlClientException(200, "protocol", server + what + " answered with invalid JSON");
        }
    }
}
