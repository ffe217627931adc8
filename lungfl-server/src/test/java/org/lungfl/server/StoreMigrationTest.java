package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;

/** A data dir moved into PostgreSQL: the same federation, served by a server on the database. */
class StoreMigrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    @Test
    void aDataDirMovesIntoAnEmptyDatabaseWithItsChainQueueIdsTokensAndAudit() throws Exception {
        PgCluster pg = PgCluster.get();
        assumeTrue(pg != null, () -> "PostgreSQL tests skipped: " + PgCluster.whyNot());
        Path data = dir.resolve("data");
        TokenStore tokens = new TokenStore(data);
        String site = tokens.add("site-a", false);
        tokens.add("site-b", false);
        String ops = tokens.add("ops", true);
        byte[] counted = Uploads.update("site-a", "a1", 10, 0, 1f);
        byte[] waiting = Uploads.update("site-a", "a9", 10, 4, 2f);
        ServerConfig files = ServerConfig.defaults(data, Uploads.unscreenedPlan()).withHostPort("127.0.0.1", 0).withCapacity(1).withRetention(2);
        JsonNode before;
        byte[] latestBefore;
        try (LungflServer s = LungflServer.start(files)) {
            assertThat(Uploads.post(s.url(), "/upload", counted, site).statusCode()).isEqualTo(200);
            for (int v = 1; v < 4; v++) assertThat(Uploads.post(s.url(), "/upload", Uploads.update("site-a", "a" + (v + 1), 10, v, 1f + v), site)
                    .statusCode()).isEqualTo(200);
            assertThat(s.service().store().kept()).containsExactly(3L, 4L);
            before = JSON.readTree(Uploads.get(s.url(), "/api/v1/history", ops).body());
            latestBefore = Uploads.download(s.url(), "", site, null).body();
        }
        // One update left waiting (K = 1 would aggregate it at once).
        try (LungflServer s = LungflServer.start(files.withCapacity(5))) {
            assertThat(Uploads.post(s.url(), "/upload", waiting, site).statusCode()).isEqualTo(200);
        }

        String url = pg.newDatabase();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StoreMigration.Report r = StoreMigration.copy(data, url, new PrintStream(out, true));
        assertThat(r.versionRows()).isEqualTo(5);
        assertThat(r.versionsKept()).isEqualTo(2);
        assertThat(r.queued()).isEqualTo(1);
        assertThat(r.updateIds()).isEqualTo(5);
        assertThat(r.tokens()).isEqualTo(3);
        assertThat(r.chainLinksChecked()).isEqualTo(1);
        assertThat(out.toString()).contains("hash chain: 1 links checked");

        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("unused"), Uploads.unscreenedPlan()).withStore(url)
                .withHostPort("127.0.0.1", 0).withCapacity(5).withRetention(2))) {
            // The same tokens, the same newest version byte for byte, the same queue and history.
            assertThat(Uploads.download(s.url(), "", site, null).body()).isEqualTo(latestBefore);
            JsonNode status = JSON.readTree(Uploads.get(s.url(), "/status", ops).body());
            assertThat(status.get("global_version").asLong()).isEqualTo(4);
            assertThat(status.get("queued_clients")).hasSize(1);
            assertThat(status.get("queued_clients").get(0).get("client_id").asText()).isEqualTo("site-a");
            assertThat(JSON.readTree(Uploads.get(s.url(), "/api/v1/history", ops).body()).get("rounds")).isEqualTo(before.get("rounds"));
            // Update ids accepted before the move are still known: a retry is a duplicate, other content a conflict.
            assertThat(Uploads.post(s.url(), "/upload", counted, site).body()).contains("\"duplicate\":true");
            assertThat(Uploads.post(s.url(), "/upload", waiting, site).body()).contains("\"duplicate\":true");
            assertThat(Uploads.post(s.url(), "/upload", Uploads.update("site-a", "a1", 10, 4, 7f), site).statusCode()).isEqualTo(409);
            assertThat(s.service().store().kept()).containsExactly(3L, 4L);
            java.util.List<String> kinds = new java.util.ArrayList<>();
            s.service().store().scanAudit(e -> kinds.add(e.path("event").asText()));
            assertThat(kinds).contains("migrated");
        }
        // Into a database that already holds a federation: refused, nothing changed.
        assertThatThrownBy(() -> StoreMigration.copy(data, url, new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("already holds a federation");
    }
}
