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

    /**
     * The demo plan with another {@code aggregation} section (JSON): for tests of the strategies,
     * screening, FedBN and DP. The fingerprint stays the demo plan's, so {@link #update} fits.
     */
    static FederationPlan planWithAggregation(String aggregationJson) {
        String demo = new String(PLAN.toJson(), java.nio.charset.StandardCharsets.UTF_8);
        // "aggregation" is the plan's last field: replace everything up to the plan's closing brace.
        int from = demo.indexOf("\"aggregation\"");
        String json = demo.substring(0, from) + "\"aggregation\" : " + aggregationJson + "\n}";
        return FederationPlan.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "test plan");
    }

    /**
     * For tests whose synthetic updates are far apart on purpose (constants 1 to 100, so averages
     * can be checked by hand): update screening would rightly quarantine them.
     */
    static FederationPlan unscreenedPlan() {
        return planWithAggregation("{\"strategy\": \"fedavg\", \"staleness_exponent\": 0.5, \"screening\": {\"factor\": 1e300}}");
    }

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

    /**
     * An update like a site's: {@code base} plus {@code scale} × a delta of i.i.d. N(0, std²) values
     * drawn from {@code seed} (so two calls with one seed and different scales give the same direction),
     * counters set to {@code counter}.
     */
    static Weights around(Weights base, long seed, double std, double scale, long counter) {
        java.util.Random r = new java.util.Random(seed);
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : base.tensors()) {
            if (t.dtype() != DType.F32) {
                out.add(Tensor.ofLongs(t.name(), t.shape(), new long[] {counter}));
                continue;
            }
            float[] v = t.floats().clone();
            for (int j = 0; j < v.length; j++) v[j] += (float) (scale * std * r.nextGaussian());
            out.add(Tensor.ofFloats(t.name(), t.shape(), v));
        }
        return new Weights(out);
    }

    static byte[] upload(Weights w, String client, String updateId, long samples, long base) {
        return SafeTensors.write(w, meta(client, updateId, samples, base));
    }

    /** A kept global version, as a client downloads it. */
    static Weights version(String url, long v, String token) throws Exception {
        HttpResponse<byte[]> r = download(url, "?version=" + v, token, null);
        if (r.statusCode() != 200) throw new IllegalStateException("version " + v + ": " + r.statusCode());
        return SafeTensors.read(r.body()).weights();
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

    /** An update reporting {@code metrics} (a JSON object, e.g. {@code {"val_auc":0.71}}). */
    static byte[] update(String client, String updateId, long samples, long base, float fill, String metrics) {
        Map<String, String> m = meta(client, updateId, samples, base);
        m.put("metrics", metrics);
        return SafeTensors.write(constant(fill, 3), m);
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
