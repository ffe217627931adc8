package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;
import org.lungfl.server.TokenStore;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;

/** `lungfl client` and `lungfl client status` against a real server with tokens. */
class ClientCommandTest {
    @TempDir Path dir;

    @Test
    void takesPartInAFederationAndReportsStatus() throws Exception {
        FederationPlan plan = FederationPlan.parse(DemoCommandTest.TINY_PLAN.getBytes(), "tiny");
        SynthDataset.generate(new SynthDataset.Options(1, 6, 0, 0.5, 0, 5, true, PhantomModel.DEFAULT, null, null, 2), dir.resolve("data"),
                "test", "test", (d, t, b) -> {});
        Path site = dir.resolve("data").resolve("site-1");
        String token = new TokenStore(dir.resolve("server")).add("hospital-a", false);
        Path tokenFile = Files.writeString(dir.resolve("a.token"), token + "\n");
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("server"), plan).withHostPort("127.0.0.1", 0).withCapacity(1))) {
            CliRun bad = CliRun.lungfl("client", "--server", s.url(), "--token-file", tokenFile.toString());
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("give the local data: --data DICOM_DIR --labels CSV");

            CliRun wrongId = CliRun.lungfl("client", "--server", s.url(), "--token-file", tokenFile.toString(),
                    "--client-id", "hospital-b", "--data", site.resolve("dicom").toString(), "--labels", site.resolve("labels.csv").toString(),
                    "--out", dir.resolve("b").toString(), "--rounds", "1");
            assertThat(wrongId.exit()).isEqualTo(1);
            assertThat(wrongId.err()).contains("(403)").contains("hospital-a").contains("--client-id");

            Path out = dir.resolve("a");
            CliRun r = CliRun.lungfl("client", "--server", s.url(), "--token-file", tokenFile.toString(),
                    "--client-id", "hospital-a", "--data", site.resolve("dicom").toString(), "--labels", site.resolve("labels.csv").toString(),
                    "--out", out.toString(), "--cache", dir.resolve("b").resolve("cache").toString(), "--rounds", "2");
            assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
            assertThat(r.out()).contains("round 1/2: trained on").contains("round 2/2").contains("finished 2 round(s); latest global version 2");
            assertThat(Files.readAllLines(out.resolve("rounds.csv"))).hasSize(3);
            assertThat(out.resolve("global-model.safetensors")).exists();

            CliRun status = CliRun.lungfl("client", "status", "--server", s.url(), "--token-file", tokenFile.toString());
            assertThat(status.exit()).as("stderr: %s", status.err()).isZero();
            assertThat(status.out()).contains("global version 2, 2 round(s) completed").contains("validation of version 2 (1 site(s)");

            CliRun refused = CliRun.lungfl("client", "status", "--server", s.url(), "--token", "lfl_nope");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("refused the token (401)");
        }
    }

    @Test
    void acceptsAServerAsHostPortAndRefusesAnAddressThatIsNone() throws Exception {
        FederationPlan plan = FederationPlan.parse(DemoCommandTest.TINY_PLAN.getBytes(), "tiny");
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("server"), plan).withHostPort("127.0.0.1", 0).withOpen(true))) {
            CliRun status = CliRun.lungfl("client", "status", "--server", "127.0.0.1:" + s.port());
            assertThat(status.exit()).as("stderr: %s", status.err()).isZero();
            assertThat(status.out()).contains("server http://127.0.0.1:" + s.port() + " (primary");

            CliRun wrong = CliRun.lungfl("client", "status", "--server", "ftp://127.0.0.1");
            assertThat(wrong.exit()).isEqualTo(2);
            assertThat(wrong.err()).contains("server address 'ftp://127.0.0.1': only http:// and https://");
        }
    }
}
