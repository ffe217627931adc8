package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.server.Uploads.PLAN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's page, its headers and the JSON behind it (/api/v1/server, /clients, /events)
 * against a real server: who sees what, and that the client sightings survive a restart.
 */
class DashboardApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private LungflServer start() throws Exception {
        return LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(3));
    }

    static JsonNode get(String url, String path, String token) throws Exception {
        HttpResponse<String> r = Uploads.get(url, path, token);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void thePageIsServedWithAStrictPolicyAndHoldsNoData() throws Exception {
        TestStores.tokens(dir).add("hospital-a", false);
        try (LungflServer s = start()) {
            HttpResponse<String> page = Uploads.get(s.url(), "/", null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            // No inline script or style, so the policy needs no exception; the page knows it must ask for a token.
            assertThat(page.body()).doesNotContain("<script>", "style=", "<style", "onclick", "{{auth}}")
                    .contains("<meta name=\"lungfl-auth\" content=\"tokens\">", "src=\"/dashboard/app.js\"");
            for (String[] asset : new String[][] {{"/dashboard/app.js", "text/javascript"}, {"/dashboard/app.css", "text/css"},
                    {"/dashboard/uPlot.min.js", "text/javascript"}, {"/dashboard/uPlot.min.css", "text/css"},
                    {"/dashboard/icon.svg", "image/svg+xml"}}) {
                HttpResponse<String> r = Uploads.get(s.url(), asset[0], null);
                assertThat(r.statusCode()).as(asset[0]).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type").orElseThrow()).as(asset[0]).startsWith(asset[1]);
                assertThat(r.body()).as(asset[0]).isNotBlank();
            }
            assertThat(Uploads.get(s.url(), "/dashboard/uPlot.min.js", null).body()).contains("uPlot");
            // JSON answers carry nosniff too; the data needs a token.
            HttpResponse<String> denied = Uploads.get(s.url(), "/api/v1/clients", null);
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(denied.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(Uploads.get(s.url(), "/api/v1/events", null).statusCode()).isEqualTo(401);
            assertThat(Uploads.get(s.url(), "/api/v1/server", null).statusCode()).isEqualTo(401);
            assertThat(Uploads.get(s.url(), "/dashboard/nothing.js", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void anAdminSeesEveryClientAndAClientTokenOnlyItself() throws Exception {
        Tokens tokens = TestStores.tokens(dir);
        String a = tokens.add("hospital-a", false), b = tokens.add("hospital-b", false), ops = tokens.add("ops", true);
        try (LungflServer s = start()) {
            String url = s.url();
            byte[] a1 = Uploads.update("hospital-a", "a1", 40, 0, 1f, "{\"val_auc\":0.61,\"train_loss\":0.7}");
            assertThat(Uploads.post(url, "/upload", a1, a).statusCode()).isEqualTo(200);
            // A retry is the same bytes again (the same update_id with other content would be a 409 conflict).
            assertThat(Uploads.post(url, "/upload", a1, a).body()).contains("\"duplicate\":true");
            assertThat(Uploads.post(url, "/upload", Uploads.update("hospital-b", "b1", 60, 0, 2f, "{\"val_auc\":0.70}"), b).statusCode())
                    .isEqualTo(200);
            byte[] wrongPlan = SafeTensorsWithFingerprint.of("hospital-b", "b2", "0".repeat(64));
            assertThat(Uploads.post(url, "/upload", wrongPlan, b).statusCode()).isEqualTo(409);
            assertThat(Uploads.post(url, "/api/v1/admin/execute", new byte[0], ops).body()).contains("\"global_version\":1");
            Uploads.get(url, "/download", a); // a download says hospital-a is alive

            Map<String, JsonNode> all = byId(get(url, "/api/v1/clients", ops));
            assertThat(get(url, "/api/v1/clients", ops).path("scope").asText()).isEqualTo("all");
            assertThat(all).containsOnlyKeys("hospital-a", "hospital-b"); // the admin's own requests make no row
            JsonNode ra = all.get("hospital-a"), rb = all.get("hospital-b");
            assertThat(List.of(ra.path("accepted").asInt(), ra.path("duplicate").asInt(), ra.path("rejected").asInt())).containsExactly(1, 1, 0);
            assertThat(List.of(rb.path("accepted").asInt(), rb.path("duplicate").asInt(), rb.path("rejected").asInt())).containsExactly(1, 0, 1);
            assertThat(ra.path("last_metrics").path("val_auc").asDouble()).isEqualTo(0.61);
            assertThat(ra.path("address").asText()).isEqualTo("127.0.0.1");
            assertThat(rb.path("last_rejection").path("status").asInt()).isEqualTo(409);
            assertThat(rb.path("last_rejection").path("error").asText()).isEqualTo("plan_mismatch");
            assertThat(ra.path("queued").asBoolean()).isFalse();
            assertThat(java.time.Instant.parse(ra.path("last_seen").asText())).isAfter(java.time.Instant.parse(ra.path("last_upload_at").asText()));

            JsonNode own = get(url, "/api/v1/clients", a);
            assertThat(own.path("scope").asText()).isEqualTo("own");
            assertThat(byId(own)).containsOnlyKeys("hospital-a");

            // Events: the admin sees both sites; hospital-a sees the round (with its count) but nothing of hospital-b.
            JsonNode adminEvents = get(url, "/api/v1/events", ops);
            assertThat(adminEvents.toString()).contains("hospital-b", "plan_mismatch");
            JsonNode aEvents = get(url, "/api/v1/events", a);
            assertThat(aEvents.toString()).doesNotContain("hospital-b").doesNotContain("\"b1\""); // the update id as a value: hashes may hold "b1"
            JsonNode round = find(aEvents, "aggregated");
            assertThat(round.path("contributor_count").asInt()).isEqualTo(2);
            assertThat(round.path("contributors")).hasSize(1);
            assertThat(round.path("contributors").get(0).path("client_id").asText()).isEqualTo("hospital-a");
            assertThat(events(aEvents)).contains("started", "received", "duplicate", "aggregated").doesNotContain("rejected");

            JsonNode server = get(url, "/api/v1/server", a);
            assertThat(server.path("plan").path("fingerprint").asText()).isEqualTo(PLAN.fingerprint());
            assertThat(server.path("auth").asText()).isEqualTo("tokens");
            assertThat(server.path("viewer").path("name").asText()).isEqualTo("hospital-a");
            assertThat(server.path("viewer").path("admin").asBoolean()).isFalse();
            assertThat(get(url, "/api/v1/server", ops).path("viewer").path("admin").asBoolean()).isTrue();
            assertThat(Uploads.get(url, "/api/v1/events?limit=0", ops).statusCode()).isEqualTo(400);
            HttpResponse<String> bad = Uploads.get(url, "/api/v1/events?after=x", ops);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).isEqualTo("{\"error\":\"malformed\",\"detail\":\"after must be an integer >= -1, not 'x'\"}");
        }
    }

    @Test
    void sightingsAndEventNumbersSurviveARestart() throws Exception {
        Tokens tokens = TestStores.tokens(dir);
        String a = tokens.add("hospital-a", false), ops = tokens.add("ops", true);
        Map<String, JsonNode> before;
        JsonNode eventsBefore;
        try (LungflServer s = start()) {
            for (int i = 1; i <= 4; i++) {
                String metrics = "{\"val_auc\":0." + (50 + i) + "}";
                assertThat(Uploads.post(s.url(), "/upload", Uploads.update("hospital-a", "u" + i, 10, 0, 1f, metrics), a).statusCode()).isEqualTo(200);
            }
            before = byId(get(s.url(), "/api/v1/clients", ops));
            eventsBefore = get(s.url(), "/api/v1/events", ops);
        }
        assertThat(before.get("hospital-a").path("accepted").asInt()).isEqualTo(4);
        try (LungflServer s = start()) {
            JsonNode after = byId(get(s.url(), "/api/v1/clients", ops)).get("hospital-a");
            for (String f : new String[] {"accepted", "rejected", "duplicate", "last_metrics", "last_upload_at", "address", "first_seen"}) {
                assertThat(after.get(f)).as(f).isEqualTo(before.get("hospital-a").get(f));
            }
            assertThat(after.path("last_metrics").path("val_auc").asDouble()).isEqualTo(0.54);
            // The same ids for the same lines, and the restart's own events continue the numbering.
            JsonNode again = get(s.url(), "/api/v1/events?limit=500", ops);
            List<JsonNode> old = list(eventsBefore);
            for (JsonNode e : old) assertThat(byEventId(again).get(e.path("id").asLong())).hasToString(e.toString());
            long last = old.get(old.size() - 1).path("id").asLong();
            JsonNode newer = get(s.url(), "/api/v1/events?after=" + last, ops);
            assertThat(events(newer)).containsExactly("stopped", "started");
            assertThat(newer.path("last_id").asLong()).isEqualTo(last + 2);
            assertThat(get(s.url(), "/api/v1/events?after=" + (last + 2), ops).path("events")).isEmpty();
        }
    }

    private static Map<String, JsonNode> byId(JsonNode clients) {
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode c : clients.path("clients")) m.put(c.path("client_id").asText(), c);
        return m;
    }

    private static Map<Long, JsonNode> byEventId(JsonNode events) {
        Map<Long, JsonNode> m = new TreeMap<>();
        for (JsonNode e : events.path("events")) m.put(e.path("id").asLong(), e);
        return m;
    }

    private static List<JsonNode> list(JsonNode events) {
        List<JsonNode> l = new ArrayList<>();
        events.path("events").forEach(l::add);
        return l;
    }

    private static List<String> events(JsonNode events) {
        List<String> l = new ArrayList<>();
        for (JsonNode e : events.path("events")) l.add(e.path("event").asText());
        return l;
    }

    private static JsonNode find(JsonNode events, String name) {
        for (JsonNode e : events.path("events")) if (e.path("event").asText().equals(name)) return e;
        throw new AssertionError("no '" + name + "' event in " + events);
    }

    /** An otherwise valid update made for another plan. */
    static final class SafeTensorsWithFingerprint {
        static byte[] of(String client, String updateId, String fingerprint) {
            Map<String, String> m = Uploads.meta(client, updateId, 5, 0);
            m.put("plan_fingerprint", fingerprint);
            return org.lungfl.core.weights.SafeTensors.write(Uploads.constant(1f, 3), m);
        }
    }
}
