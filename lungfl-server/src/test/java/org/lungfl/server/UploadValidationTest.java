package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.lungfl.server.Uploads.PLAN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/**
 * Issue 13's probe of what an upload may carry: numbers only in canonical digits (item 1), values
 * no training produces and implausible sample counts (item 4), metrics of known names only (item
 * 5), and the same update id with other content. Every refusal is audited with its reason.
 */
class UploadValidationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    LungflServer server;
    String url;

    @BeforeEach
    void start() throws Exception {
        server = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(3).withOpen(true));
        url = server.url();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> upload(Weights w, Map<String, String> meta) throws Exception {
        return Uploads.post(url, "/upload", SafeTensors.write(w, meta), null);
    }

    private static void assertError(HttpResponse<String> r, int status, String error, String detailPart) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("error").asText()).isEqualTo(error);
        assertThat(n.get("detail").asText()).contains(detailPart);
    }

    private List<JsonNode> audited(String event) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : TestStores.auditText(dir).split("\n")) {
            JsonNode e = JSON.readTree(line);
            if (e.get("event").asText().equals(event)) out.add(e);
        }
        return out;
    }

    @Test
    void numbersMustBeCanonicalDigitsBecauseTheyAreParsedAgainAtEveryStart() throws Exception {
        String[][] cases = {{" 10", "contains whitespace"}, {"10 ", "contains whitespace"}, {"\t10\n", "contains whitespace"},
            {"١٠", "contains non-ASCII characters"}, {"+10", "has a sign"}, {"010", "has leading zeros"}, {"", "is empty"},
            {"1e3", "is not an integer"}, {"99999999999999999999", "is out of range"}};
        int i = 0;
        for (String[] c : cases) {
            for (String field : new String[] {"num_samples", "base_version"}) {
                Map<String, String> m = Uploads.meta("a", "n" + i++, 10, 0);
                m.put(field, c[0]);
                assertError(upload(Uploads.constant(1f, 1), m), 400, "malformed", "'" + field + "' " + c[1]);
            }
        }
        assertThat(server.service().queueSize()).isZero();
        assertThat(audited("rejected")).hasSize(2 * cases.length).allSatisfy(e -> assertThat(e.get("status").asInt()).isEqualTo(400));
    }

    @Test
    void valuesNoTrainingProducesAreRefused() throws Exception {
        Weights var = Uploads.constant(1f, 1);
        var.get("blocks.2.bn.running_var").floats()[5] = -0.25f;
        assertError(upload(var, Uploads.meta("a", "1", 10, 0)), 422, "invalid_update",
                "'blocks.2.bn.running_var' holds the negative variance -0.25 at index 5");
        Weights counter = Uploads.constant(1f, Long.MAX_VALUE);
        assertError(upload(counter, Uploads.meta("a", "2", 10, 0)), 422, "invalid_update",
                "'blocks.0.bn.num_batches_tracked' holds 9223372036854775807");
        assertThat(server.service().queueSize()).isZero();
        assertThat(upload(Uploads.constant(1f, 1), Uploads.meta("a", "3", 10, 0)).statusCode()).isEqualTo(200);
    }

    @Test
    void aClaimedSampleCountWeighsAtMostTenMediansOfItsRound() throws Exception {
        upload(Uploads.constant(1f, 1), Uploads.meta("a", "1", 100, 0));
        upload(Uploads.constant(1f, 1), Uploads.meta("b", "1", 10_000_000, 0));
        JsonNode r = JSON.readTree(upload(Uploads.constant(1f, 1), Uploads.meta("c", "1", 100, 0)).body());
        assertThat(r.get("aggregated").asBoolean()).isTrue();
        JsonNode round = audited("aggregated").get(0);
        JsonNode b = round.get("contributors").get(1);
        assertThat(b.get("client_id").asText()).isEqualTo("b");
        assertThat(b.get("num_samples").asLong()).isEqualTo(10_000_000);
        assertThat(b.get("counted_samples").asLong()).isEqualTo(1000);
        // Before the cap: 10,000,000 / 10,000,200 = 99.998 % of the round.
        assertThat(b.get("share").asDouble()).isCloseTo(1000.0 / 1200, within(1e-9));
    }

    @Test
    void metricsAreKnownNamesWithNumbersInRangeAndNeverFreeText() throws Exception {
        // The probe of issue 13: a note with patient identifiers, and an AUC of 1e300.
        Map<String, String> m = Uploads.meta("a", "1", 10, 0);
        m.put("metrics", "{\"auc\":1e300,\"note\":\"Jane Doe MRN 12345 DOB 1950-01-01\"}");
        assertError(upload(Uploads.constant(1f, 1), m), 422, "invalid_metrics", "unknown metric 'auc'");
        m.put("metrics", "{\"val_auc\":1e300}");
        assertError(upload(Uploads.constant(1f, 1), m), 422, "invalid_metrics", "'val_auc' must be in [0, 1]");
        m.put("metrics", "{\"val_auc\":0.5}{\"val_auc\":0.9}");
        assertError(upload(Uploads.constant(1f, 1), m), 422, "invalid_metrics", "content after its JSON object");
        m.put("metrics", "{\"val_auc\":0.5}\u0000");
        assertError(upload(Uploads.constant(1f, 1), m), 422, "invalid_metrics", "not valid JSON");
        m.put("metrics", "{\"val_auc\":0.5,\"Jane Doe\":1}");
        assertError(upload(Uploads.constant(1f, 1), m), 422, "invalid_metrics", "an unknown metric name");
        m.put("metrics", "{\"val_auc\":0.5,\"val_samples\":8,\"train_patches\":5000,\"val_candidate_auc\":0.97}");
        assertThat(upload(Uploads.constant(1f, 1), m).statusCode()).isEqualTo(200);

        // Nothing the hospital wrote beyond known metrics reached the audit log or what others can read.
        assertThat(TestStores.auditText(dir)).doesNotContain("Jane").doesNotContain("MRN");
        assertThat(Uploads.get(url, "/status", null).body()).doesNotContain("Jane");
    }

    @Test
    void aHeaderWithContentAfterItsJsonObjectIsRefused() throws Exception {
        byte[] good = Uploads.update("a", "1", 10, 0, 1f);
        long headerLen = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(good, 8, (int) headerLen, StandardCharsets.UTF_8).stripTrailing();
        for (String tail : new String[] {"{\"b\":2}", "\u0000"}) {
            byte[] h = (header + tail).getBytes(StandardCharsets.UTF_8);
            byte[] data = java.util.Arrays.copyOfRange(good, 8 + (int) headerLen, good.length);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(h.length).put(h).put(data);
            assertError(Uploads.post(url, "/upload", b.array(), null), 400, "malformed", "header is not valid JSON");
        }
    }

    @Test
    void theSameUpdateIdWithOtherContentIsAConflictNotADuplicate() throws Exception {
        assertThat(Uploads.post(url, "/upload", Uploads.update("a", "u1", 10, 0, 1f), null).statusCode()).isEqualTo(200);
        assertThat(Uploads.post(url, "/upload", Uploads.update("a", "u1", 10, 0, 1f), null).body()).contains("\"duplicate\":true");
        assertError(Uploads.post(url, "/upload", Uploads.update("a", "u1", 10, 0, 2f), null), 409, "update_conflict",
                "update_id 'u1' was already accepted from 'a' with different content");
        // Still a conflict once the update is aggregated and its queue file gone, and after a restart.
        Uploads.post(url, "/upload", Uploads.update("b", "u1", 10, 0, 1f), null);
        Uploads.post(url, "/upload", Uploads.update("c", "u1", 10, 0, 1f), null);
        assertThat(server.service().snapshot().globalVersion()).isEqualTo(1);
        server.stop();
        server = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(3).withOpen(true));
        url = server.url();
        assertError(Uploads.post(url, "/upload", Uploads.update("a", "u1", 10, 0, 2f), null), 409, "update_conflict", "'u1'");
        assertThat(Uploads.post(url, "/upload", Uploads.update("a", "u1", 10, 0, 1f), null).body()).contains("\"duplicate\":true");
    }

    @Test
    void everyRefusedUploadIsAuditedWithItsReasonConflictsIncluded() throws Exception {
        assertError(Uploads.post(url, "/upload", Uploads.update("a", "1", 10, 4, 1f), null), 409, "unknown_base_version",
                "ahead of the global version 0");
        Map<String, String> m = Uploads.meta("a", "2", 10, 0);
        m.put("plan_fingerprint", "0123456789abcdef");
        assertError(upload(Uploads.constant(1f, 1), m), 409, "plan_mismatch", "this server runs plan 'demo'");
        List<JsonNode> rejected = audited("rejected");
        assertThat(rejected).extracting(e -> e.get("status").asInt()).containsExactly(409, 409);
        assertThat(rejected.get(0).get("error").asText()).isEqualTo("unknown_base_version");
        assertThat(rejected.get(0).get("reason").asText()).contains("base_version 4 is ahead of the global version 0");
        assertThat(rejected.get(0).get("bytes").asLong()).isPositive();
        assertThat(rejected.get(1).get("error").asText()).isEqualTo("plan_mismatch");
    }
}
