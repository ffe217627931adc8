package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.weights.SafeTensors;

/**
 * The pieces under failover (docs/backup.md), on in-process servers: the hash chain, the sync
 * endpoints' admin-only access, and a backup with tokens mirroring its primary through them.
 */
class PeerSyncTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    @Test
    void versionsFormAHashChainFromAVersionZeroSharedByEveryServer() throws Exception {
        try (LungflServer a = LungflServer.start(ServerConfig.defaults(dir.resolve("a"), Uploads.PLAN).withHostPort("127.0.0.1", 0)
                .withOpen(true).withCapacity(1)); LungflServer b = LungflServer.start(ServerConfig.defaults(dir.resolve("b"), Uploads.PLAN)
                        .withHostPort("127.0.0.1", 0).withOpen(true).withCapacity(1))) {
            byte[] v0 = Uploads.download(a.url(), "?version=0", null, null).body();
            assertThat(Uploads.download(b.url(), "?version=0", null, null).body()).as("version 0 is the same bytes everywhere").isEqualTo(v0);
            Uploads.post(a.url(), "/upload", Uploads.update("site-a", "u1", 5, 0, 1f), null);
            Uploads.post(a.url(), "/upload", Uploads.update("site-a", "u2", 5, 1, 2f), null);
            byte[] v1 = Uploads.download(a.url(), "?version=1", null, null).body();
            byte[] v2 = Uploads.download(a.url(), "?version=2", null, null).body();
            assertThat(SafeTensors.read(v1).metadata().get("parent_hash")).isEqualTo(ModelStore.sha256(v0));
            assertThat(SafeTensors.read(v2).metadata().get("parent_hash")).isEqualTo(ModelStore.sha256(v1));
            JsonNode sync = JSON.readTree(Uploads.get(a.url(), "/api/v1/sync", null).body());
            assertThat(sync.path("versions").path(2).path("hash").asText()).isEqualTo(ModelStore.sha256(v2));
            assertThat(sync.path("versions").path(2).path("parent_hash").asText()).isEqualTo(ModelStore.sha256(v1));
        }
    }

    @Test
    void aBackupWithTokensMirrorsThroughAdminOnlyEndpoints() throws Exception {
        Path pDir = dir.resolve("p"), bDir = dir.resolve("b");
        TokenStore tokens = new TokenStore(pDir);
        String site = tokens.add("site-a", false), peer = tokens.add("peer", true);
        Files.createDirectories(bDir);
        Files.copy(pDir.resolve(TokenStore.FILE), bDir.resolve(TokenStore.FILE));
        Path tokenFile = Files.writeString(dir.resolve("peer.token"), peer + "\n");
        try (LungflServer p = LungflServer.start(ServerConfig.defaults(pDir, Uploads.PLAN).withHostPort("127.0.0.1", 0).withCapacity(2))) {
            for (String path : new String[] {"/api/v1/sync", "/api/v1/sync/queued/1"}) {
                assertThat(Uploads.get(p.url(), path, null).statusCode()).as(path).isEqualTo(401);
                assertThat(Uploads.get(p.url(), path, site).statusCode()).as(path).isEqualTo(403);
            }
            assertThat(Uploads.post(p.url(), "/api/v1/sync/handover", new byte[0], peer).statusCode()).as("a primary hands over nothing")
                    .isEqualTo(409);
            assertThat(Uploads.post(p.url(), "/upload", Uploads.update("site-a", "u1", 5, 0, 1f), site).statusCode()).isEqualTo(200);

            var replication = ServerMain.replication(p.url(), null, Duration.ofSeconds(30), Duration.ofMillis(100), tokenFile, null);
            try (LungflServer b = LungflServer.start(ServerConfig.defaults(bDir, Uploads.PLAN).withHostPort("127.0.0.1", 0).withCapacity(2)
                    .withReplication(replication))) {
                JsonNode s = null;
                for (int i = 0; i < 200; i++) {
                    s = JSON.readTree(Uploads.get(b.url(), "/status", site).body());
                    if (s.path("queue_size").asInt() == 1) break;
                    Thread.sleep(50);
                }
                assertThat(s.path("queue_size").asInt()).as("the primary's queued update, mirrored: %s", s).isEqualTo(1);
                assertThat(s.path("queued_clients").path(0).path("address").asText()).isEqualTo(AggregationService.PEER_ADDRESS);
                assertThat(s.path("state").asText()).isEqualTo("standby");
                // The peer's details are the coordinator's.
                assertThat(s.has("peer")).isFalse();
                assertThat(JSON.readTree(Uploads.get(b.url(), "/status", peer).body()).path("peer").path("problem").isNull()).isTrue();
                // The site's retry to the standby of what the primary already holds is a duplicate, not a refusal.
                var retry = Uploads.post(b.url(), "/upload", Uploads.update("site-a", "u1", 5, 0, 1f), site);
                assertThat(retry.statusCode()).isEqualTo(200);
                assertThat(retry.body()).contains("\"duplicate\":true");

                Uploads.post(p.url(), "/upload", Uploads.update("site-b", "u1", 5, 0, 2f), tokens.add("site-b", false));
                for (int i = 0; i < 200 && !JSON.readTree(Uploads.get(b.url(), "/status", site).body()).path("global_version").asText().equals("1"); i++) {
                    Thread.sleep(50);
                }
                assertThat(Uploads.download(b.url(), "?version=1", site, null).body())
                        .isEqualTo(Uploads.download(p.url(), "?version=1", site, null).body());
                assertThat(JSON.readTree(Uploads.get(b.url(), "/status", site).body()).path("queue_size").asInt())
                        .as("the version counted the mirrored update").isZero();
            }
        }
    }
}
