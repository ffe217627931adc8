package org.lungfl.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;

/**
 * FlClient against a real primary and its backup (docs/backup.md): it moves to the backup when the
 * primary stops, its upload is taken once the backup has taken over, and it is back on the primary
 * once that has caught up.
 */
class PrimaryBackupTest {
    static final FederationPlan PLAN = FederationPlan.preset("demo");
    static final Failover FAST = new Failover(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(20), Duration.ofMillis(500));
    @TempDir Path dir;

    private LungflServer start(String name, int port, URI backupOf, URI peer) throws Exception {
        var replication = new ServerConfig.Replication(backupOf, peer, Duration.ofMillis(500), Duration.ofMillis(100), null, null);
        return LungflServer.start(ServerConfig.defaults(dir.resolve(name), PLAN).withHostPort("127.0.0.1", port).withOpen(true).withCapacity(1)
                .withReplication(replication));
    }

    private static FlClient.UploadResult send(FlClient c, String updateId, long base) {
        return c.sendUpdate(PLAN.initialWeights(), new FlClient.Update(updateId, 5, base, PLAN.fingerprint(), null));
    }

    private static void awaitState(FlClient c, URI server, String state) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            String now = c.status().path("state").asText(); // first: the request is what moves the client
            if (c.server().equals(server) && now.equals(state)) return;
            Thread.sleep(50);
        }
    }

    @Test
    void failsOverToTheBackupAndReturnsToThePrimaryWhenItHasCaughtUp() throws Exception {
        int pPort = TinyFederation.freePort(), bPort = TinyFederation.freePort();
        URI p = URI.create("http://127.0.0.1:" + pPort), b = URI.create("http://127.0.0.1:" + bPort);
        try (LungflServer backup = start("backup", bPort, p, null)) {
            FlClient c = new FlClient(List.of(p, b), null, "site-a", null, Duration.ofSeconds(10), FAST, new StopSignal());
            try (LungflServer primary = start("primary", pPort, null, b)) {
                awaitState(c, p, "active");
                assertThat(send(c, "r1", 0).globalVersion()).isEqualTo(1);
                assertThat(c.server()).isEqualTo(p);
                // Replication is asynchronous (docs/backup.md): stop the primary only once its backup
                // holds version 1, or this test would be about the documented replication window.
                FlClient backupOnly = new FlClient(List.of(b), null, "observer", null, Duration.ofSeconds(10), FAST, new StopSignal());
                for (int i = 0; i < 400 && backupOnly.status().path("global_version").asLong() < 1; i++) Thread.sleep(50);
                assertThat(backupOnly.status().path("global_version").asLong()).as("backup mirrored version 1").isEqualTo(1);
            }
            // The primary is gone: the upload waits out the backup's --failover-after, then the backup takes it.
            FlClient.UploadResult r2 = send(c, "r2", 1);
            assertThat(c.server()).isEqualTo(b);
            assertThat(r2.globalVersion()).isEqualTo(2);
            assertThat(c.status().path("role").asText()).isEqualTo("backup");

            try (LungflServer primary = start("primary", pPort, null, b)) {
                Thread.sleep(FAST.primaryRetry().toMillis());
                awaitState(c, p, "active");
                assertThat(c.server()).isEqualTo(p);
                assertThat(c.status().path("global_version").asLong()).as("the primary took version 2 from the backup").isEqualTo(2);
                FlClient.UploadResult r3 = send(c, "r3", 2);
                assertThat(c.server()).isEqualTo(p);
                assertThat(r3.globalVersion()).isEqualTo(3);
                // A retry of the update the backup counted is recognised by the primary.
                assertThat(send(c, "r2", 1).duplicate()).isTrue();
                assertThat(c.downloadGlobalModel().version()).isEqualTo(3);
            }
        }
    }
}
