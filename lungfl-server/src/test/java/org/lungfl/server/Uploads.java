package org.lungfl.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/** Builds uploads the way a client does, and sends requests with the JDK's HTTP client. */
final class Uploads {
    static final FederationPlan PLAN = FederationPlan.preset("demo");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Uploads() {}

    /** Every F32 value set to {@code fill}, counters to {@code counter}: averages are easy to check. */
    static Weights constant(float fill, long counter) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : PLAN.initialWeights().tensors()) {
            if (t.dtype() == DType.F32) {
                float[] v = new float[t.size()];
                java.util.Arrays.fill(v, fill);
                out.add(Tensor.ofFloats(t.name(), t.shape(), v));
            } else {
                out.add(Tensor.ofLongs(t.name(), t.shape(), new long[] {counter}));
            }
        }
        return new Weights(out);
    }

    static Map<String, String> meta(String client, String updateId, long samples, long base) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("client_id", client);
        m.put("update_id", updateId);
        m.put("num_samples", Long.toString(samples));
        m.put("base_version", Long.toString(base));
        m.put("plan_fingerprint", PLAN.fingerprint());
        m.put("metrics", "{\"train_loss\":0.5,\"train_samples\":" + samples + "}");
        return m;
    }

    static byte[] update(String client, String updateId, long samples, long base, float fill) {
        return SafeTensors.write(constant(fill, 3), meta(client, updateId, samples, base));
    }

    static HttpResponse<String> post(String url, String path, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> download(String url, String query, String token, String etag) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/download" + query)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (etag != null) b.header("If-None-Match", etag);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
