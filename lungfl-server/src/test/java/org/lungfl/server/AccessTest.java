package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.server.Uploads.PLAN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may see and do what (issue 13, item 6 and the should-fix list): a hospital's token sees
 * the queue's size and its own entries, never another site's; the coordinator's admin token sees
 * everything but cannot upload; the scheme of {@code Authorization} is case-insensitive; each
 * client's uploads are rate-limited; an --open server's admin endpoints answer only on loopback
 * unless an admin token is configured.
 */
class AccessTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private static HttpResponse<String> get(String url, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) b.header("Authorization", authorization);
        return Uploads.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aHospitalSeesItsOwnEntriesAndTheCoordinatorSeesEveryone() throws Exception {
        Tokens tokens = TestStores.tokens(dir);
        String a = tokens.add("hospital-a", false), b = tokens.add("hospital-b", false), admin = tokens.add("coordinator", true);
        try (LungflServer s = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(5))) {
            String url = s.url();
            assertThat(Uploads.post(url, "/upload", Uploads.update("hospital-a", "a1", 10, 0, 1f), a).statusCode()).isEqualTo(200);
            assertThat(Uploads.post(url, "/upload", Uploads.update("hospital-b", "b1", 20, 0, 1f), b).statusCode()).isEqualTo(200);

            JsonNode mine = JSON.readTree(Uploads.get(url, "/status", a).body());
            assertThat(mine.get("queue_size").asInt()).isEqualTo(2);
            assertThat(mine.get("capacity").asInt()).isEqualTo(5);
            assertThat(mine.get("global_version").asLong()).isZero();
            assertThat(mine.get("visibility").asText()).isEqualTo("client");
            assertThat(mine.get("queued_clients")).hasSize(1);
            assertThat(mine.get("queued_clients").get(0).get("client_id").asText()).isEqualTo("hospital-a");
            assertThat(mine.toString()).doesNotContain("hospital-b");
            for (String hidden : List.of("connected_clients", "peer", "quarantined")) assertThat(mine.has(hidden)).as(hidden).isFalse();
            for (String path : List.of("/api/v1/history", "/metrics")) {
                HttpResponse<String> r = Uploads.get(url, path, a);
                assertThat(r.statusCode()).as(path).isEqualTo(403);
                assertThat(r.body()).contains("\"error\":\"forbidden\"");
            }
            // The coordinator sees every site, its address and sample count, the history and the metrics.
            JsonNode all = JSON.readTree(Uploads.get(url, "/status", admin).body());
            assertThat(all.get("visibility").asText()).isEqualTo("admin");
            assertThat(all.get("queued_clients")).extracting(q -> q.get("client_id").asText()).containsExactly("hospital-a", "hospital-b");
            assertThat(all.get("queued_clients").get(1).get("address").asText()).isEqualTo("127.0.0.1");
            assertThat(all.get("connected_clients").asInt()).isEqualTo(2);
            assertThat(Uploads.get(url, "/api/v1/history", admin).statusCode()).isEqualTo(200);
            assertThat(Uploads.get(url, "/metrics", admin).statusCode()).isEqualTo(200);
            // Both may download the model and read the plan.
            assertThat(Uploads.download(url, "", a, null).statusCode()).isEqualTo(200);
            assertThat(Uploads.download(url, "", admin, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aHospitalSeesTheFederationsValidationButNeverAnotherSitesFigures() throws Exception {
        Tokens tokens = TestStores.tokens(dir);
        Map<String, String> site = new java.util.LinkedHashMap<>();
        for (String n : List.of("hospital-a", "hospital-b", "hospital-c")) site.put(n, tokens.add(n, false));
        String admin = tokens.add("coordinator", true);
        try (LungflServer s = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(2))) {
            String url = s.url();
            // Version 1 from a and b: a's own figures and the mean give b's, so a sees no validation.
            upload(url, "hospital-a", "a1", 0, 0.6, site);
            upload(url, "hospital-b", "b1", 0, 0.8, site);
            JsonNode a = JSON.readTree(Uploads.get(url, "/status", site.get("hospital-a")).body());
            assertThat(a.get("validation").isNull()).isTrue();
            // c took no part: two other sites reported, so c sees their mean and not who they are.
            JsonNode c = JSON.readTree(Uploads.get(url, "/status", site.get("hospital-c")).body());
            assertThat(c.get("validation").get("metrics").get("val_auc").asDouble()).isCloseTo(0.7, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(c.get("validation").has("clients")).isFalse();
            assertThat(c.toString()).doesNotContain("hospital-a").doesNotContain("hospital-b");
            // The coordinator sees each site's figures.
            JsonNode all = JSON.readTree(Uploads.get(url, "/status", admin).body());
            assertThat(all.get("validation").get("clients")).hasSize(2);
        }
    }

    private static void upload(String url, String client, String id, long base, double auc, Map<String, String> tokens) throws Exception {
        Map<String, String> m = Uploads.meta(client, id, 10, base);
        m.put("metrics", "{\"val_auc\":" + auc + "}");
        HttpResponse<String> r = Uploads.post(url, "/upload", org.lungfl.core.weights.SafeTensors.write(Uploads.constant(1f, 1), m), tokens.get(client));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void anAdminTokenIsNotAHospital() throws Exception {
        String admin = TestStores.tokens(dir).add("coordinator", true);
        try (LungflServer s = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(5))) {
            HttpResponse<String> r = Uploads.post(s.url(), "/upload", Uploads.update("coordinator", "c1", 10, 0, 1f), admin);
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("admin token, which cannot upload");
            assertThat(s.service().queueSize()).isZero();
            assertThat(TestStores.auditText(dir)).contains("\"event\":\"rejected\",\"status\":403");
        }
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws Exception {
        String a = TestStores.tokens(dir).add("hospital-a", false);
        try (LungflServer s = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0))) {
            for (String scheme : List.of("Bearer ", "bearer ", "BEARER ", "bEaReR   ")) {
                assertThat(get(s.url(), "/status", scheme + a).statusCode()).as(scheme).isEqualTo(200);
            }
            for (String wrong : List.of("Basic " + a, a, "Bearer", "Bearerx " + a)) {
                assertThat(get(s.url(), "/status", wrong).statusCode()).as(wrong).isEqualTo(401);
            }
        }
    }

    @Test
    void eachClientMayStartOnlySoManyUploadsAMinute() throws Exception {
        Tokens tokens = TestStores.tokens(dir);
        String a = tokens.add("hospital-a", false), b = tokens.add("hospital-b", false);
        ServerConfig.UploadLimits d = ServerConfig.UploadLimits.DEFAULT;
        ServerConfig config = TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(50)
                .withUploadLimits(new ServerConfig.UploadLimits(d.minBytesPerSecond(), d.rateGrace(), d.deadline(), d.maxConcurrent(), 3,
                        d.idleTimeout()));
        try (LungflServer s = LungflServer.start(config)) {
            for (int i = 0; i < 3; i++) {
                assertThat(Uploads.post(s.url(), "/upload", Uploads.update("hospital-a", "a" + i, 10, 0, 1f), a).statusCode()).isEqualTo(200);
            }
            for (int i = 3; i < 6; i++) {
                HttpResponse<String> r = Uploads.post(s.url(), "/upload", Uploads.update("hospital-a", "a" + i, 10, 0, 1f), a);
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.body()).contains("\"error\":\"rate_limited\"").contains("may start 3 uploads a minute");
                assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 20L);
            }
            // Another hospital is not affected.
            assertThat(Uploads.post(s.url(), "/upload", Uploads.update("hospital-b", "b1", 10, 0, 1f), b).statusCode()).isEqualTo(200);
            // One audit line for the run of refusals, not one per request.
            List<String> audit = TestStores.auditLines(dir);
            assertThat(audit).filteredOn(l -> l.contains("\"event\":\"rate_limited\"")).hasSize(1);
            assertThat(audit).filteredOn(l -> l.contains("\"event\":\"received\"")).hasSize(4);
        }
    }

    @Test
    void openModeAdminEndpointsAnswerOnlyOnLoopbackUnlessAnAdminTokenIsConfigured() throws Exception {
        InetAddress lan = nonLoopbackAddress();
        Assumptions.assumeTrue(lan != null, "this machine has no non-loopback IPv4 address to call from");
        ServerConfig config = TestStores.config(dir, PLAN).withHostPort("0.0.0.0", 0).withOpen(true);
        try (LungflServer s = LungflServer.start(config)) {
            String viaLan = "http://" + lan.getHostAddress() + ":" + s.port();
            String viaLoopback = "http://127.0.0.1:" + s.port();
            HttpResponse<String> r = Uploads.post(viaLan, "/api/v1/admin/clear", new byte[0], null);
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("only on this machine (loopback)");
            assertThat(Uploads.get(viaLan, "/api/v1/sync", null).statusCode()).isEqualTo(403);
            assertThat(Uploads.post(viaLoopback, "/api/v1/admin/clear", new byte[0], null).statusCode()).isEqualTo(200);
            // The original tool's behaviour stays for everything else: status with every queued client, from anywhere.
            assertThat(Uploads.post(viaLan, "/upload", Uploads.update("a", "1", 10, 0, 1f), null).statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(Uploads.get(viaLan, "/status", null).body()).get("queued_clients").get(0).get("address").asText())
                    .isEqualTo(lan.getHostAddress());

            // Once an admin token exists, it opens the admin endpoints from anywhere, and only it does.
            String admin = TestStores.tokens(dir).add("coordinator", true);
            assertThat(Uploads.post(viaLan, "/api/v1/admin/clear", new byte[0], admin).statusCode()).isEqualTo(200);
            assertThat(Uploads.post(viaLoopback, "/api/v1/admin/clear", new byte[0], null).statusCode()).isEqualTo(401);
        }
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) continue;
            for (InetAddress a : Collections.list(nic.getInetAddresses())) if (a instanceof Inet4Address) return a;
        }
        return null;
    }
}
