package org.lungfl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;

/** FlClient's failover between real servers on loopback ports. */
class FailoverTest {
    static final FederationPlan PLAN = FederationPlan.preset("demo");
    static final Failover FAST = new Failover(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(800));
    @TempDir Path dir;

    private LungflServer start(String name, int port) throws Exception {
        return LungflServer.start(ServerConfig.defaults(dir.resolve(name), PLAN).withHostPort("127.0.0.1", port).withOpen(true));
    }

    @Test
    void usesTheBackupWhileThePrimaryIsDownAndReturnsToThePrimary() throws Exception {
        int primaryPort = TinyFederation.freePort();
        URI primary = URI.create("http://127.0.0.1:" + primaryPort);
        try (LungflServer backup = start("backup", 0)) {
            URI backupUri = URI.create(backup.url());
            List<String> switches = new java.util.concurrent.CopyOnWriteArrayList<>();
            FlClient c = new FlClient(List.of(primary, backupUri), null, "site-a", null, Duration.ofSeconds(10), FAST, new StopSignal())
                    .onServerSwitch((from, to, cause) -> switches.add(from + " -> " + to + ": " + (cause == null ? "back" : cause.error())));
            c.health();
            assertThat(c.checkServerStatus().path("global_version").asLong()).isZero();
            assertThat(c.server()).isEqualTo(backupUri);
            assertThat(switches).containsExactly(primary + " -> " + backupUri + ": unreachable");
            assertThat(c.downloadGlobalModel().version()).isZero();
            assertThat(c.plan().fingerprint()).isEqualTo(PLAN.fingerprint());

            try (LungflServer p = start("primary", primaryPort)) {
                Thread.sleep(FAST.primaryRetry().toMillis() + 100);
                c.checkServerStatus();
                assertThat(c.server()).isEqualTo(primary);
                // The primary saw this client: it is the one now in use.
                assertThat(p.service().snapshot().globalVersion()).isZero();
            }
            // Down again: the very next request moves to the backup without an error.
            c.checkServerStatus();
            assertThat(c.server()).isEqualTo(backupUri);
            assertThat(switches).containsExactly(primary + " -> " + backupUri + ": unreachable", backupUri + " -> " + primary + ": back",
                    primary + " -> " + backupUri + ": unreachable");
        }
    }

    @Test
    void givesUpWithOneLineNamingEveryServer() throws Exception {
        URI a = URI.create("http://127.0.0.1:" + TinyFederation.freePort()), b = URI.create("http://127.0.0.1:" + TinyFederation.freePort());
        Failover brief = FAST.withGiveUpAfter(Duration.ofMillis(600));
        FlClient c = new FlClient(List.of(a, b), null, "site-a", null, Duration.ofSeconds(5), brief, new StopSignal());
        long t0 = System.nanoTime();
        assertThatThrownBy(c::checkServerStatus).isInstanceOfSatisfying(FlClientException.class, e -> {
            assertThat(e.status()).isZero();
            assertThat(e.getCause()).as("the last server's own failure").isInstanceOf(FlClientException.class).hasMessageContaining("unreachable");
        }).hasMessageContaining("no server answered GET /status").hasMessageContaining(a.toString()).hasMessageContaining(b.toString());
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(8));
    }

    @Test
    void aRefusalIsFinalAndNotFailedOver() throws Exception {
        try (LungflServer primary = LungflServer.start(ServerConfig.defaults(dir.resolve("p"), PLAN).withHostPort("127.0.0.1", 0));
                LungflServer backup = start("backup", 0)) {
            URI p = URI.create(primary.url());
            FlClient c = new FlClient(List.of(p, URI.create(backup.url())), "lfl_wrong", "site-a", null, Duration.ofSeconds(5), FAST,
                    new StopSignal());
            assertThatThrownBy(c::checkServerStatus).isInstanceOfSatisfying(FlClientException.class, e -> assertThat(e.status()).isEqualTo(401))
                    .hasMessageContaining("refused the token (401)").hasMessageContaining("--token-file");
            assertThat(c.server()).isEqualTo(p);
        }
    }

    @Test
    void aStopEndsTheBackoffAtOnce() throws Exception {
        StopSignal stop = new StopSignal();
        Failover patient = new Failover(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(1));
        FlClient c = new FlClient(List.of(URI.create("http://127.0.0.1:" + TinyFederation.freePort())), null, "site-a", null, Duration.ofSeconds(5), patient, stop);
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException ignored) {
                // fall through to the stop
            }
            stop.raise();
        });
        t.start();
        long t0 = System.nanoTime();
        assertThatThrownBy(c::checkServerStatus).isInstanceOf(StopSignal.Stopped.class);
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(20));
        t.join();
    }

    @Test
    void pinsTheServersCertificate() throws Exception {
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("openssl is not installed: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl could not make a test certificate");
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("tls"), PLAN).withHostPort("127.0.0.1", 0).withOpen(true)
                .withTls(cert, key))) {
            URI u = URI.create(s.url());
            FlClient pinned = new FlClient(List.of(u), null, "site-a", ClientTls.trusting(cert), Duration.ofSeconds(10), Failover.ONCE,
                    new StopSignal());
            assertThat(pinned.checkServerStatus().path("global_version").asLong()).isZero();
            // Without the pin the JVM's public roots do not know this certificate.
            FlClient unpinned = new FlClient(List.of(u), null, "site-a", null, Duration.ofSeconds(10), Failover.ONCE, new StopSignal());
            assertThatThrownBy(unpinned::checkServerStatus).isInstanceOf(FlClientException.class).hasMessageContaining("TLS failed")
                    .hasMessageContaining("--ca PEM");
        }
        assertThatThrownBy(() -> ClientTls.trusting(key)).hasMessageContaining("key.pem");
    }
}
