package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.server.Uploads.PLAN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/** The HTTP contract against a real server on a loopback port, in --open mode. */
class ServerApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    LungflServer server;
    String url;

    @BeforeEach
    void start() throws Exception {
        server = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(3).withOpen(true)
                .withMaxBodyBytes(4L << 20));
        url = server.url();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private void assertRejected(HttpResponse<String> r, int status, String detailPart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode n = json(r);
        assertThat(n.fieldNames()).toIterable().containsExactlyInAnyOrder("error", "detail");
        assertThat(n.get("detail").asText()).contains(detailPart);
        assertThat(Uploads.get(url, "/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void versionZeroIsThePlansInitialisationWithEtag() throws Exception {
        HttpResponse<byte[]> r = Uploads.download(url, "", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-LungFL-Version")).hasValue("0");
        assertThat(SafeTensors.read(r.body()).weights()).isEqualTo(PLAN.initialWeights());
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertThat(Uploads.download(url, "", null, etag).statusCode()).isEqualTo(304);
        assertThat(Uploads.download(url, "?version=0", null, null).body()).isEqualTo(r.body());
        HttpResponse<byte[]> gone = Uploads.download(url, "?version=7", null, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(new String(gone.body(), StandardCharsets.UTF_8)).contains("\"error\":\"version_not_kept\"");
        assertThat(Uploads.get(url, "/plan", null).body()).contains("\"architecture\" : \"cnn3d-patch-v1\"");
    }

    @Test
    void statusHasExactlyTheIssuesFields() throws Exception {
        Uploads.post(url, "/upload", Uploads.update("site-a", "u1", 12, 0, 1f), null);
        JsonNode s = json(Uploads.get(url, "/status", null));
        List<String> fields = new ArrayList<>();
        s.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("queue_size", "capacity", "connected_clients", "global_model_available",
                "global_version", "queued_clients", "rounds_completed", "last_aggregation_at", "validation", "role", "state", "accepting_uploads", "peer", "auth",
                "screening", "privacy", "visibility", "aggregation_refused", "quarantined");
        // A server on its own: the replication fields say so (docs/backup.md).
        assertThat(s.get("state").asText()).isEqualTo("active");
        assertThat(s.get("peer").isNull()).isTrue();
        assertThat(s.get("queue_size").asInt()).isEqualTo(1);
        assertThat(s.get("capacity").asInt()).isEqualTo(3);
        assertThat(s.get("connected_clients").asInt()).isEqualTo(1);
        assertThat(s.get("role").asText()).isEqualTo("primary");
        assertThat(s.get("auth").asText()).isEqualTo("open");
        assertThat(s.get("last_aggregation_at").isNull()).isTrue();
        JsonNode q = s.get("queued_clients").get(0);
        assertThat(q.get("client_id").asText()).isEqualTo("site-a");
        assertThat(q.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(q.get("num_samples").asLong()).isEqualTo(12);
        assertThat(q.get("base_version").asLong()).isZero();
        assertThat(q.get("received_at").asText()).isNotEmpty();
    }

    @Test
    void kUpdatesAggregateIntoTheSampleWeightedMean() throws Exception {
        JsonNode a = json(Uploads.post(url, "/upload", Uploads.update("a", "1", 1, 0, 1f), null));
        assertThat(a.get("accepted").asBoolean()).isTrue();
        assertThat(a.get("aggregated").asBoolean()).isFalse();
        assertThat(a.get("queue_size").asInt()).isEqualTo(1);
        Uploads.post(url, "/upload", Uploads.update("b", "1", 3, 0, 2f), null);
        JsonNode c = json(Uploads.post(url, "/upload", Uploads.update("c", "1", 4, 0, 4f), null));
        assertThat(c.get("aggregated").asBoolean()).isTrue();
        assertThat(c.get("global_version").asLong()).isEqualTo(1);
        assertThat(c.get("queue_size").asInt()).isZero();
        Weights v1 = SafeTensors.read(Uploads.download(url, "", null, null).body()).weights();
        float expected = (1 * 1f + 3 * 2f + 4 * 4f) / 8;
        for (Tensor t : v1.tensors()) {
            if (t.dtype() == org.lungfl.core.tensor.DType.F32) assertThat(t.floats()).containsOnly(expected);
            else assertThat(t.longs()).containsOnly(3L);
        }
        JsonNode s = json(Uploads.get(url, "/status", null));
        assertThat(s.get("rounds_completed").asLong()).isEqualTo(1);
        assertThat(s.get("last_aggregation_at").isNull()).isFalse();

        // A stale update (trained from v0 while v1 is current) moves v1 by its delta from v0 (a delta
        // within screening's 5x of the first three's median norm).
        Uploads.post(url, "/upload", Uploads.update("a", "2", 5, 0, 6f), null);
        assertThat(server.service().execute()).isPresent();
        float[] v0 = PLAN.initialWeights().get("fc.weight").floats();
        float[] v2 = SafeTensors.read(Uploads.download(url, "", null, null).body()).weights().get("fc.weight").floats();
        for (int j = 0; j < v0.length; j++) assertThat(v2[j]).isCloseTo(expected + (6f - v0[j]), org.assertj.core.api.Assertions.within(1e-5f));
    }

    @Test
    void aRetriedUploadIsAcknowledgedAgainButQueuedOnce() throws Exception {
        byte[] body = Uploads.update("a", "same-id", 5, 0, 1f);
        JsonNode first = json(Uploads.post(url, "/upload", body, null));
        JsonNode again = json(Uploads.post(url, "/upload", body, null));
        assertThat(first.get("duplicate").asBoolean()).isFalse();
        assertThat(again.get("accepted").asBoolean()).isTrue();
        assertThat(again.get("duplicate").asBoolean()).isTrue();
        assertThat(again.get("queue_size").asInt()).isEqualTo(1);
        assertThat(server.service().queueSize()).isEqualTo(1);
    }

    @Test
    void aNewerUploadReplacesTheClientsQueuedOneAndIsAudited() throws Exception {
        Uploads.post(url, "/upload", Uploads.update("a", "old", 5, 0, 1f), null);
        Uploads.post(url, "/upload", Uploads.update("b", "x", 5, 0, 1f), null);
        JsonNode r = json(Uploads.post(url, "/upload", Uploads.update("a", "new", 5, 0, 9f), null));
        assertThat(r.get("queue_size").asInt()).isEqualTo(2);
        assertThat(r.get("aggregated").asBoolean()).isFalse();
        assertThat(server.service().snapshot().queued()).extracting(QueuedUpdate::updateId).containsExactly("x", "new");
        if (!TestStores.POSTGRES) {
            try (var files = Files.list(dir.resolve("queue"))) {
                assertThat(files.count()).isEqualTo(2);
            }
        }
        assertThat(server.service().store().queuedBytes(server.service().snapshot().queued().get(0).seq())).isPresent();
        assertThat(TestStores.auditText(dir)).contains("\"event\":\"replaced\",\"client_id\":\"a\",\"update_id\":\"old\"");
    }

    @Test
    void everyBadUploadGetsItsOwnCodeAndTheServerKeepsServing() throws Exception {
        assertRejected(Uploads.post(url, "/upload", "garbage".getBytes(StandardCharsets.UTF_8), null), 400, "safetensors");
        assertRejected(Uploads.post(url, "/upload", new byte[0], null), 400, "too short");

        Map<String, String> wrongPlan = Uploads.meta("a", "1", 5, 0);
        wrongPlan.put("plan_fingerprint", "0123456789abcdef0123");
        assertRejected(Uploads.post(url, "/upload", SafeTensors.write(Uploads.constant(1f, 0), wrongPlan), null), 409,
                "this server runs plan 'demo'");

        List<Tensor> shapes = new ArrayList<>(Uploads.constant(1f, 0).tensors());
        shapes.set(0, Tensor.ofFloats("blocks.0.conv.weight", new int[] {8, 1, 3, 3, 2}, new float[8 * 18]));
        shapes.remove(shapes.size() - 1);
        HttpResponse<String> r = Uploads.post(url, "/upload", SafeTensors.write(new Weights(shapes), Uploads.meta("a", "2", 5, 0)), null);
        assertRejected(r, 422, "tensor 'blocks.0.conv.weight' is F32[8, 1, 3, 3, 2], expected F32[8, 1, 3, 3, 3]");
        assertThat(json(r).get("detail").asText()).contains("missing tensor fc.bias");

        Weights nan = Uploads.constant(1f, 0);
        nan.get("fc.bias").floats()[0] = Float.NaN;
        assertRejected(Uploads.post(url, "/upload", SafeTensors.write(nan, Uploads.meta("a", "3", 5, 0)), null), 422,
                "tensor 'fc.bias' holds NaN at index 0");
        Weights inf = Uploads.constant(1f, 0);
        inf.get("fc.weight").floats()[0] = Float.NEGATIVE_INFINITY;
        assertRejected(Uploads.post(url, "/upload", SafeTensors.write(inf, Uploads.meta("a", "4", 5, 0)), null), 422, "'fc.weight'");

        assertRejected(Uploads.post(url, "/upload", Uploads.update("a", "5", 0, 0, 1f), null), 422, "num_samples is 0");
        assertRejected(Uploads.post(url, "/upload", Uploads.update("a", "6", -3, 0, 1f), null), 400, "'num_samples' has a sign");
        assertRejected(Uploads.post(url, "/upload", Uploads.update("a", "7", 100_000_000, 0, 1f), null), 422, "implausible");
        Map<String, String> noSamples = Uploads.meta("a", "8", 5, 0);
        noSamples.put("num_samples", "many");
        assertRejected(Uploads.post(url, "/upload", SafeTensors.write(Uploads.constant(1f, 0), noSamples), null), 400, "not an integer");
        Map<String, String> noClient = Uploads.meta("a", "9", 5, 0);
        noClient.remove("client_id");
        assertRejected(Uploads.post(url, "/upload", SafeTensors.write(Uploads.constant(1f, 0), noClient), null), 400, "lacks 'client_id'");
        assertRejected(Uploads.post(url, "/upload", Uploads.update("a", "10", 5, 4, 1f), null), 409, "ahead of the global version 0");

        byte[] big = new byte[(4 << 20) + 1];
        assertRejected(Uploads.post(url, "/upload", big, null), 413, "exceeds the limit");
        assertRejected(Uploads.get(url, "/nowhere", null), 404, "no endpoint GET /nowhere");

        assertThat(server.service().queueSize()).isZero();
        assertThat(TestStores.auditText(dir)).contains("\"event\":\"rejected\"");
        assertThat(Uploads.post(url, "/upload", Uploads.update("a", "ok", 5, 0, 1f), null).statusCode()).isEqualTo(200);
    }

    @Test
    void anOversizedBodyIsRefusedFromItsLengthBeforeItIsSent() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1000]);
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
        assertThat(Uploads.get(url, "/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        Uploads.post(url, "/upload", Uploads.update("a", "1", 5, 0, 1f), null);
        HttpResponse<String> r = Uploads.get(url, "/metrics", null);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("# TYPE lungfl_queue_size gauge\nlungfl_queue_size 1\n")
                .contains("lungfl_uploads_total{result=\"accepted\"} 1")
                .contains("lungfl_global_version 0");
        for (String line : r.body().split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) \\w+ .+|\\w+(\\{\\w+=\"[^\"]*\"\\})? -?[0-9.eE+-]+");
        }
    }
}
