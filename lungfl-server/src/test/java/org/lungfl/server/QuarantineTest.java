package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.server.Uploads.PLAN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.weights.SafeTensors;

/**
 * No single file may keep the server down (issue 13, item 1): a queued update that an older, laxer
 * server accepted (num_samples " 10" made the start fail with NumberFormatException), a torn file,
 * a damaged version or plan.json are moved to quarantine/, audited and listed in /status, and the
 * server starts with the rest. Also: one server per data dir, and the data dir is private.
 */
class QuarantineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private LungflServer start(int k) throws Exception {
        return LungflServer.start(ServerConfig.defaults(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(k).withOpen(true));
    }

    private JsonNode status(LungflServer s) throws Exception {
        return JSON.readTree(Uploads.get(s.url(), "/status", null).body());
    }

    @Test
    void aQueuedFileThatCannotBeUsedIsMovedAsideAndTheServerStartsWithTheRest() throws Exception {
        try (LungflServer s = start(5)) {
            assertThat(s.service().snapshot().globalVersion()).isZero();
        }
        Path queue = dir.resolve("queue");
        Map<String, String> lax = Uploads.meta("a", "a1", 10, 0);
        lax.put("num_samples", " 10"); // what the validator used to strip and accept
        Files.write(queue.resolve("u000000000001.safetensors"), SafeTensors.write(Uploads.constant(1f, 1), lax));
        Files.write(queue.resolve("u000000000002.safetensors"), new byte[] {1, 2, 3});
        Files.write(queue.resolve("u000000000003.safetensors"), Uploads.update("c", "c1", 10, 0, 1f));

        try (LungflServer s = start(5)) {
            assertThat(s.service().snapshot().queued()).extracting(QueuedUpdate::updateId).containsExactly("c1");
            JsonNode q = status(s).get("quarantined");
            assertThat(q).hasSize(2);
            assertThat(q.get(0).get("file").asText()).isEqualTo("queue/u000000000001.safetensors");
            assertThat(q.get(0).get("reason").asText()).contains("'num_samples' contains whitespace");
            assertThat(q.get(1).get("file").asText()).isEqualTo("queue/u000000000002.safetensors");
            assertThat(q.get(1).get("moved_to").asText()).isEqualTo("quarantine/u000000000002.safetensors");
        }
        try (Stream<Path> moved = Files.list(dir.resolve(Quarantine.DIR))) {
            assertThat(moved.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("u000000000001.safetensors",
                    "u000000000002.safetensors");
        }
        assertThat(Files.readAllLines(dir.resolve(AuditLog.FILE))).filteredOn(l -> l.contains("\"event\":\"quarantined\"")).hasSize(2);
        // The next start finds nothing more to move and keeps the update.
        try (LungflServer s = start(5)) {
            assertThat(status(s).get("quarantined")).isEmpty();
            assertThat(s.service().queueSize()).isEqualTo(1);
        }
    }

    @Test
    void aDamagedVersionOrPlanFileIsQuarantinedNotFatal() throws Exception {
        try (LungflServer s = start(1)) {
            Uploads.post(s.url(), "/upload", Uploads.update("a", "a1", 10, 0, 1f), null);
            Uploads.post(s.url(), "/upload", Uploads.update("a", "a2", 10, 1, 2f), null);
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(2);
        }
        Path v2 = dir.resolve("versions").resolve("v00000002.safetensors");
        byte[] whole = Files.readAllBytes(v2);
        Files.write(v2, java.util.Arrays.copyOf(whole, whole.length / 2)); // torn by a disk fault
        Files.writeString(dir.resolve("plan.json"), "{ not json");
        try (LungflServer s = start(1)) {
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
            JsonNode q = status(s).get("quarantined");
            assertThat(q).extracting(e -> e.get("file").asText()).containsExactly("plan.json", "versions/v00000002.safetensors");
            assertThat(q.get(1).get("reason").asText()).contains("global version 2 is unreadable");
            // Work goes on from version 1.
            assertThat(Uploads.post(s.url(), "/upload", Uploads.update("b", "b1", 10, 1, 3f), null).statusCode()).isEqualTo(200);
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(2);
        }
        assertThat(FederationPlanFile.read(dir)).isEqualTo(PLAN.fingerprint());
    }

    /** The fingerprint of the plan in a data dir's plan.json. */
    private static final class FederationPlanFile {
        static String read(Path dataDir) throws Exception {
            return org.lungfl.core.plan.FederationPlan.parse(Files.readAllBytes(dataDir.resolve("plan.json")), "plan.json").fingerprint();
        }
    }

    @Test
    void oneServerPerDataDir() throws Exception {
        try (LungflServer s = start(3)) {
            assertThatThrownBy(() -> start(3)).isInstanceOf(UserFacingException.class).hasMessageContaining("is in use by another LungFL server");
            assertThat(Uploads.get(s.url(), "/health", null).statusCode()).isEqualTo(200);
        }
        try (LungflServer s = start(3)) {
            assertThat(s.service().queueSize()).isZero();
        }
    }

    @Test
    void theDataDirIsPrivate() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path data = dir.resolve("data");
        new TokenStore(data).add("hospital-a", false);
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(data, PLAN).withHostPort("127.0.0.1", 0).withCapacity(3).withOpen(true))) {
            Uploads.post(s.url(), "/upload", Uploads.update("a", "a1", 10, 0, 1f), null);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        try (Stream<Path> all = Files.walk(data)) {
            all.filter(p -> !p.equals(data)).forEach(p -> {
                try {
                    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    assertThat(perms).as(data.relativize(p).toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        try (Stream<Path> queue = Files.list(data.resolve("queue"))) {
            assertThat(queue.count()).isEqualTo(1);
        }
    }
}
