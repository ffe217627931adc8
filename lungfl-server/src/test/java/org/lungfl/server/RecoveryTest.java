package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.server.Uploads.PLAN;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;

/** What a restart finds: the same queue and versions, remembered update ids, no debris. */
class RecoveryTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private LungflServer start(int k, int retention) throws Exception {
        return LungflServer.start(ServerConfig.defaults(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(k).withOpen(true)
                .withRetention(retention));
    }

    @Test
    void queueVersionsAndIdempotencySurviveARestart() throws Exception {
        try (LungflServer s = start(2, 10)) {
            Uploads.post(s.url(), "/upload", Uploads.update("a", "a1", 4, 0, 1f), null);
            Uploads.post(s.url(), "/upload", Uploads.update("b", "b1", 4, 0, 3f), null);
            Uploads.post(s.url(), "/upload", Uploads.update("c", "c1", 4, 1, 5f), null);
        }
        // Debris of a crash: temporaries and a torn audit line.
        Files.write(dir.resolve("queue").resolve(DurableFiles.TEMP_PREFIX + "x"), new byte[100]);
        Files.write(dir.resolve("versions").resolve(DurableFiles.TEMP_PREFIX + "y"), new byte[100]);
        Files.writeString(dir.resolve(AuditLog.FILE), "{\"time\":\"2026", StandardOpenOption.APPEND);
        try (LungflServer s = start(2, 10)) {
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
            assertThat(s.service().snapshot().queued()).extracting(QueuedUpdate::updateId).containsExactly("c1");
            assertThat(s.service().snapshot().queued().get(0).address()).isEqualTo("127.0.0.1");
            // Retries of an aggregated and of a queued update are acknowledged and not queued again.
            var again = JSON.readTree(Uploads.post(s.url(), "/upload", Uploads.update("a", "a1", 4, 0, 1f), null).body());
            assertThat(again.get("duplicate").asBoolean()).isTrue();
            again = JSON.readTree(Uploads.post(s.url(), "/upload", Uploads.update("c", "c1", 4, 1, 5f), null).body());
            assertThat(again.get("duplicate").asBoolean()).isTrue();
            assertThat(s.service().queueSize()).isEqualTo(1);
            try (var files = Files.list(dir.resolve("queue"))) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(DurableFiles.TEMP_PREFIX));
            }
            try (var files = Files.list(dir.resolve("versions"))) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("v00000000.safetensors", "v00000001.safetensors");
            }
        }
        for (String line : Files.readAllLines(dir.resolve(AuditLog.FILE), StandardCharsets.UTF_8)) JSON.readTree(line);
    }

    @Test
    void aRoundCommittedButNotCleanedUpIsNotCountedTwice() throws Exception {
        Path consumed;
        try (LungflServer s = start(2, 10)) {
            Uploads.post(s.url(), "/upload", Uploads.update("a", "a1", 4, 0, 1f), null);
            consumed = ((FileStore) s.service().store()).queueFile(s.service().snapshot().queued().get(0).seq());
            byte[] keep = Files.readAllBytes(consumed);
            Uploads.post(s.url(), "/upload", Uploads.update("b", "b1", 4, 0, 3f), null);
            // As if killed after the version was committed, before the queue file was deleted.
            Files.write(consumed, keep);
        }
        try (LungflServer s = start(2, 10)) {
            assertThat(s.service().queueSize()).isZero();
            assertThat(Files.exists(consumed)).isFalse();
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
        }
    }

    @Test
    void acknowledgedUpdatesThatFillTheQueueAreAggregatedOnStart() throws Exception {
        try (LungflServer s = start(3, 10)) {
            Uploads.post(s.url(), "/upload", Uploads.update("a", "a1", 4, 0, 1f), null);
            Uploads.post(s.url(), "/upload", Uploads.update("b", "b1", 4, 0, 3f), null);
        }
        try (LungflServer s = start(2, 10)) {
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
            assertThat(s.service().queueSize()).isZero();
        }
    }

    @Test
    void oldVersionsArePrunedUnlessAQueuedUpdateNeedsThem() throws Exception {
        try (LungflServer s = start(1, 2)) {
            for (int i = 0; i < 4; i++) Uploads.post(s.url(), "/upload", Uploads.update("a", "a" + i, 4, i, 1f), null);
            assertThat(s.service().store().kept()).containsExactly(3L, 4L);
            var r = Uploads.post(s.url(), "/upload", Uploads.update("b", "b1", 4, 1, 1f), null);
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(r.body()).contains("base_version 1 is no longer kept");
            assertThat(Uploads.download(s.url(), "?version=2", null, null).statusCode()).isEqualTo(404);
            ModelStore models = ((FileStore) s.service().store()).models();
            models.prune(1, java.util.Set.of(3L));
            assertThat(models.kept()).containsExactly(3L, 4L);
            models.prune(1, java.util.Set.of());
            assertThat(models.kept()).containsExactly(4L);
            assertThat(Files.exists(models.path(3))).isFalse();
        }
    }

    @Test
    void aDataDirBelongsToOnePlan() throws Exception {
        try (LungflServer s = start(2, 10)) {
            assertThat(s.service().snapshot().globalVersion()).isZero();
        }
        FederationPlan other = FederationPlan.preset("standard");
        assertThatThrownBy(() -> LungflServer.start(ServerConfig.defaults(dir, other).withHostPort("127.0.0.1", 0)))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("belongs to plan 'demo'");
    }
}
