package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.client.FlClient;
import org.lungfl.client.FlClientException;
import org.lungfl.client.TinyFederation;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.server.LungflServer;
import org.lungfl.server.TokenStore;

/** What "Connect" says for each answer a real server gives: the words the Server page and the header show. */
class ConnectionCheckTest {
    static final FederationPlan PLAN = TinyFederation.plan();
    @TempDir Path dir;
    private final List<String> events = new ArrayList<>();
    private final FailoverWatch watch = new FailoverWatch(Clock.systemDefaultZone(), events::add);

    @Test
    void aServerThatTakesTheTokenIsConnectedWithItsPlanAndRole() throws Exception {
        Path token = Servers.tokenFile(dir.resolve("srv"), "hospital-a", dir.resolve("a.token"));
        try (LungflServer s = Servers.start(dir.resolve("srv"), PLAN, 0, 2)) {
            Connection c = Connection.of("127.0.0.1:" + s.port(), List.of(), token.toString(), "", "hospital-a");
            ConnectionCheck.Report r = ConnectionCheck.run(c, watch, ConnectionCheck.Local.NOTHING);
            assertThat(r.level()).isEqualTo(ConnectionCheck.Level.OK);
            assertThat(r.words()).isEqualTo("connected to primary, plan tiny");
            assertThat(r.plan().fingerprint()).isEqualTo(PLAN.fingerprint());
            assertThat(StatusView.of(r.status(), java.time.ZoneId.of("UTC")).queue()).isEqualTo("0 / 2");
        }
    }

    @Test
    void aWrongTokenIsRefusedInWords() throws Exception {
        Servers.tokenFile(dir.resolve("srv"), "hospital-a", dir.resolve("a.token"));
        Path wrong = java.nio.file.Files.writeString(dir.resolve("wrong.token"), "lfl_not-a-token\n");
        try (LungflServer s = Servers.start(dir.resolve("srv"), PLAN, 0, 2)) {
            Connection c = Connection.of("127.0.0.1:" + s.port(), List.of(), wrong.toString(), "", "hospital-a");
            ConnectionCheck.Report r = ConnectionCheck.run(c, watch, ConnectionCheck.Local.NOTHING);
            assertThat(r.level()).isEqualTo(ConnectionCheck.Level.ERROR);
            assertThat(r.words()).startsWith("token refused: ").contains("check the token file").doesNotContain("--token");
            assertThat(r.plan()).isNull();
        }
    }

    @Test
    void aServerThatIsNotThereIsUnreachableWithTheReason() throws Exception {
        Connection c = Connection.of("127.0.0.1:" + TinyFederation.freePort(), List.of(), "", "", "hospital-a");
        ConnectionCheck.Report r = ConnectionCheck.run(c, watch, ConnectionCheck.Local.NOTHING);
        assertThat(r.level()).isEqualTo(ConnectionCheck.Level.ERROR);
        assertThat(r.words()).isEqualTo("server unreachable: connection refused");
    }

    @Test
    void dataAndModelMadeUnderAnotherPlanAreAPlanMismatch() throws Exception {
        Path token = Servers.tokenFile(dir.resolve("srv"), "hospital-a", dir.resolve("a.token"));
        try (LungflServer s = Servers.start(dir.resolve("srv"), Servers.OTHER_PLAN, 0, 2)) {
            Connection c = Connection.of("127.0.0.1:" + s.port(), List.of(), token.toString(), "", "hospital-a");
            var local = new ConnectionCheck.Local(PLAN.preprocessFingerprint(), PLAN.fingerprint());
            ConnectionCheck.Report r = ConnectionCheck.run(c, watch, local);
            assertThat(r.level()).isEqualTo(ConnectionCheck.Level.WARNING);
            assertThat(r.words()).startsWith("connected to primary, plan tiny-b; plan mismatch: ")
                    .contains("imported data were preprocessed under another plan").contains("local model was trained under another plan");
            // Data made under the server's own plan are no mismatch.
            var fits = new ConnectionCheck.Local(Servers.OTHER_PLAN.preprocessFingerprint(), Servers.OTHER_PLAN.fingerprint());
            assertThat(ConnectionCheck.run(c, watch, fits).words()).isEqualTo("connected to primary, plan tiny-b");

            // And should an update under another plan reach the server anyway, its refusal says the same in words.
            Map<String, String> meta = new LinkedHashMap<>(FlClient.metadata("hospital-a", new FlClient.Update("u1", 5, 0, PLAN.fingerprint(), null)));
            FlClient client = c.client(org.lungfl.client.Failover.ONCE, new org.lungfl.client.StopSignal(), null, Duration.ofSeconds(20));
            FlClientException refused = org.assertj.core.api.Assertions.catchThrowableOfType(FlClientException.class,
                    () -> client.upload(SafeTensors.write(PLAN.initialWeights(), meta)));
            assertThat(ErrorWords.of(refused)).startsWith("plan mismatch: update made for plan fingerprint")
                    .contains("this server runs plan 'tiny-b'").endsWith("train under the server's plan before sending");
        }
    }

    @Test
    void withThePrimaryDownItConnectsToTheBackupAndSaysWhy() throws Exception {
        Path primaryDir = dir.resolve("primary");
        Path token = Servers.tokenFile(primaryDir, "hospital-a", dir.resolve("a.token"));
        String peer = new TokenStore(primaryDir).add("peer", true);
        URI primary = URI.create("http://127.0.0.1:" + TinyFederation.freePort());
        try (LungflServer backup = Servers.startBackup(dir.resolve("backup"), primaryDir, PLAN, 0, primary, peer, 2, Duration.ofHours(1))) {
            Connection c = Connection.of(primary.toString(), List.of("127.0.0.1:" + backup.port()), token.toString(), "", "hospital-a");
            ConnectionCheck.Report r = ConnectionCheck.run(c, watch, ConnectionCheck.Local.NOTHING);
            assertThat(r.level()).isEqualTo(ConnectionCheck.Level.WARNING);
            assertThat(r.words()).isEqualTo("connected to backup http://127.0.0.1:" + backup.port()
                    + " (standing by: it takes no uploads while the primary is up), plan tiny; primary unreachable: connection refused");
            assertThat(watch.banner(java.time.ZoneId.of("UTC"))).startsWith("using backup http://127.0.0.1:" + backup.port() + " since ")
                    .endsWith(": primary unreachable: connection refused");
            assertThat(events).containsExactly("failover: now using backup http://127.0.0.1:" + backup.port()
                    + " (primary unreachable: connection refused)");
        }
    }
}
