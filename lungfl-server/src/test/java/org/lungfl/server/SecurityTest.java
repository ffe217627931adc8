package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.server.Uploads.PLAN;

import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens (hashes only), client binding, admin endpoints, and TLS from PEM files. */
class SecurityTest {
    @TempDir Path dir;

    @Test
    void tokensAreStoredAsHashesAndBindUploadsToTheirClient() throws Exception {
        TokenStore tokens = new TokenStore(dir);
        String a = tokens.add("hospital-a", false);
        String admin = tokens.add("ops", true);
        assertThat(Files.readString(dir.resolve(TokenStore.FILE))).doesNotContain(a).doesNotContain(admin).contains(Tokens.sha256(a));
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(5))) {
            String url = s.url();
            for (String path : new String[] {"/status", "/download", "/plan", "/metrics"}) {
                HttpResponse<String> r = Uploads.get(url, path, null);
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.body()).isEqualTo("{\"error\":\"unauthorized\",\"detail\":\"a valid bearer token is required\"}");
                assertThat(Uploads.get(url, path, "lfl_wrong").statusCode()).isEqualTo(401);
            }
            assertThat(Uploads.get(url, "/health", null).statusCode()).isEqualTo(200);
            assertThat(Uploads.post(url, "/upload", Uploads.update("hospital-a", "1", 5, 0, 1f), null).statusCode()).isEqualTo(401);
            HttpResponse<String> other = Uploads.post(url, "/upload", Uploads.update("hospital-b", "1", 5, 0, 1f), a);
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.body()).contains("cannot upload as 'hospital-b'");
            assertThat(Uploads.post(url, "/upload", Uploads.update("hospital-a", "1", 5, 0, 1f), a).statusCode()).isEqualTo(200);
            assertThat(Uploads.get(url, "/status", a).body()).contains("\"auth\":\"tokens\"");
            assertThat(Uploads.get(url, "/status", admin).body()).contains("\"connected_clients\":1");

            assertThat(Uploads.post(url, "/api/v1/admin/execute", new byte[0], a).statusCode()).isEqualTo(403);
            HttpResponse<String> exec = Uploads.post(url, "/api/v1/admin/execute", new byte[0], admin);
            assertThat(exec.body()).contains("\"aggregated\":true").contains("\"global_version\":1");
            Uploads.post(url, "/upload", Uploads.update("hospital-a", "2", 5, 1, 1f), a);
            assertThat(Uploads.post(url, "/api/v1/admin/clear", new byte[0], admin).body()).contains("\"cleared\":1");
            assertThat(Files.readString(dir.resolve(AuditLog.FILE))).contains("\"event\":\"cleared\"");

            // Revoking in the token file (as `lungfl server token revoke` does) takes effect on the running server.
            assertThat(new TokenStore(dir).revoke("hospital-a")).isTrue();
            assertThat(Uploads.get(url, "/status", a).statusCode()).isEqualTo(401);
        }
    }

    private void openssl(String... args) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("openssl is not installed: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed: " + String.join(" ", args));
    }

    @Test
    void aKeyThatDoesNotMatchItsCertificateIsRefusedAtStart() throws Exception {
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem"), other = dir.resolve("other.pem");
        openssl("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-keyout", key.toString(), "-out", cert.toString());
        openssl("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", other.toString());
        assertThat(PemKeyStore.load(cert, key).size()).isEqualTo(1);
        // Before the check the server started, and every handshake then failed.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LungflServer.start(ServerConfig.defaults(dir.resolve("data"), PLAN)
                .withHostPort("127.0.0.1", 0).withOpen(true).withTls(cert, other)))
                .isInstanceOf(org.lungfl.core.UserFacingException.class)
                .hasMessageContaining("the key in " + other + " does not belong to the certificate in " + cert);
        // The data dir is free again: the refused start released it.
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("data"), PLAN).withHostPort("127.0.0.1", 0).withOpen(true)
                .withTls(cert, key))) {
            assertThat(s.url()).startsWith("https://");
        }
    }

    @Test
    void servesHttpsFromPemFiles() throws Exception {
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

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (FileInputStream in = new FileInputStream(cert.toFile())) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();

        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("data"), PLAN).withHostPort("127.0.0.1", 0).withOpen(true)
                .withTls(cert, key))) {
            assertThat(s.url()).startsWith("https://127.0.0.1:");
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create(s.url() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(s.service().store().latestVersion()).isZero();
        }
        Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PemKeyStore.load(cert, dir.resolve("rsa.pem")))
                .hasMessageContaining("openssl pkcs8 -topk8");
    }
}
