package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.FlClient;
import org.lungfl.client.TinyFederation;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.server.LungflServer;
import org.lungfl.server.TokenStore;

/** What the Server page shows for the answers real servers give to {@code /status}. */
class StatusViewTest {
    static final FederationPlan PLAN = TinyFederation.plan();
    static final ZoneId UTC = ZoneId.of("UTC");
    @TempDir Path dir;

    private static String metrics(double auc) {
        BinaryMetrics m = BinaryMetrics.of(new double[] {0.2, 0.7, 0.6, 0.4}, new int[] {0, 1, 0, 1});
        return FederatedTrainingCycle.metricsJson(new FederatedTrainingCycle.RoundRecord(1, 0, "u", 12, 0.5, m, null, Double.NaN, 1, Instant.now()));
    }

    @Test
    void theQueueTheGlobalModelAndTheValidationOfAPrimary() throws Exception {
        Path srv = dir.resolve("srv");
        String a = new TokenStore(dir.resolve("srv")).add("hospital-a", false);
        String b = new TokenStore(dir.resolve("srv")).add("hospital-b", false);
        String ops = new TokenStore(dir.resolve("srv")).add("ops", true);
        try (LungflServer s = Servers.start(srv, PLAN, 0, 2)) {
            FlClient siteA = new FlClient(URI.create(s.url()), a, "hospital-a");
            StatusView empty = StatusView.of(siteA.status(), UTC);
            assertThat(empty.queue()).isEqualTo("0 / 2");
            assertThat(empty.globalModel()).isEqualTo("version 0, the plan's initial model");
            assertThat(empty.role()).isEqualTo("primary");
            assertThat(empty.validation()).isEqualTo("no site has reported validation yet");

            siteA.sendUpdate(PLAN.initialWeights(), new FlClient.Update("a1", 12, 0, PLAN.fingerprint(), metrics(0.5)));
            StatusView one = StatusView.of(siteA.status(), UTC);
            assertThat(one.queue()).isEqualTo("1 / 2");
            assertThat(one.queueSize()).isEqualTo(1);
            // A site's token does not see the other sites (docs/security.md); the coordinator's does.
            assertThat(one.clients()).isEqualTo("shown to the coordinator only");
            assertThat(one.queued()).singleElement().satisfies(q -> {
                assertThat(q.clientId()).isEqualTo("hospital-a");
                assertThat(q.samples()).isEqualTo(12);
                assertThat(q.baseVersion()).isZero();
                assertThat(q.receivedAt()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            });

            new FlClient(URI.create(s.url()), b, "hospital-b").sendUpdate(PLAN.initialWeights(),
                    new FlClient.Update("b1", 4, 0, PLAN.fingerprint(), metrics(0.5)));
            JsonNode after = siteA.status();
            StatusView v1 = StatusView.of(after, UTC);
            assertThat(v1.queue()).isEqualTo("0 / 2");
            assertThat(v1.globalModel()).isEqualTo("version 1, made " + StatusView.time(after.path("last_aggregation_at").asText(), UTC));
            assertThat(StatusView.of(new FlClient(URI.create(s.url()), ops, "ops").status(), UTC).clients())
                    .isEqualTo("2 sites seen in the last 10 minutes");
            // With one other reporter its figures would follow by subtraction: a site sees the means only from three sites on.
            assertThat(v1.validation()).isEqualTo("no site has reported validation yet");
            assertThat(StatusView.of(new FlClient(URI.create(s.url()), ops, "ops").status(), UTC).validation())
                    .isEqualTo("version 1: 2 sites, 16 patients, AUC 0.750, accuracy 0.500");
        }
    }

    @Test
    void aBackupSaysWhetherItStandsByOrTookOver() throws Exception {
        Path primaryDir = dir.resolve("primary");
        String a = new TokenStore(primaryDir).add("hospital-a", false);
        String peer = new TokenStore(primaryDir).add("peer", true);
        URI gone = URI.create("http://127.0.0.1:" + TinyFederation.freePort());
        try (LungflServer standby = Servers.startBackup(dir.resolve("standby"), primaryDir, PLAN, 0, gone, peer, 2, Duration.ofHours(1));
                LungflServer active = Servers.startBackup(dir.resolve("active"), primaryDir, PLAN, 0, gone, peer, 2, Duration.ZERO)) {
            // The peer's health is the coordinator's to see: the admin token gets it, a site's token the role alone.
            FlClient c = new FlClient(URI.create(standby.url()), peer, "peer");
            String role = awaitRole(c, "its primary does not answer");
            assertThat(role).isEqualTo("backup, standing by (it takes over when its primary stays unreachable); its primary does not answer");
            assertThat(StatusView.of(new FlClient(URI.create(standby.url()), a, "hospital-a").status(), UTC).role())
                    .isEqualTo("backup, standing by (it takes over when its primary stays unreachable)");
            FlClient d = new FlClient(URI.create(active.url()), peer, "peer");
            assertThat(awaitRole(d, "active")).isEqualTo("backup, active: it took over from the primary; its primary does not answer");
        }
    }

    private static String awaitRole(FlClient c, String part) throws InterruptedException {
        String role = "";
        for (int i = 0; i < 100 && !role.contains(part); i++) {
            role = StatusView.of(c.status(), UTC).role();
            if (!role.contains(part)) Thread.sleep(100);
        }
        return role;
    }

    @Test
    void wordsForStatesOnlyAPartitionShows() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(StatusView.role(json.readTree("{\"role\":\"primary\",\"state\":\"catching_up\",\"accepting_uploads\":false}")))
                .isEqualTo("primary, catching up from its backup (uploads wait)");
        assertThat(StatusView.role(json.readTree("{\"role\":\"backup\",\"state\":\"split_brain\",\"accepting_uploads\":false}")))
                .isEqualTo("backup, split brain: primary and backup disagree; the operator must resolve it; not taking uploads now");
        assertThat(List.of(StatusView.time("not a time", UTC))).containsExactly("not a time");
    }
}
