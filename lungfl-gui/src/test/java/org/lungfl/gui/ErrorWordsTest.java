package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.client.Failover;
import org.lungfl.client.FlClient;
import org.lungfl.client.StopSignal;
import org.lungfl.client.TinyFederation;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.server.LungflServer;
import org.lungfl.server.TokenStore;

/** The window's words for what real servers and the library answer: one line, no CLI options, no stack trace. */
class ErrorWordsTest {
    static final FederationPlan PLAN = TinyFederation.plan();
    @TempDir Path dir;

    @Test
    void refusalsOfARealServerInWords() throws Exception {
        String a = new TokenStore(dir).add("hospital-a", false);
        try (LungflServer s = Servers.start(dir, PLAN, 0, 2)) {
            FlClient wrongId = new FlClient(URI.create(s.url()), a, "hospital-b");
            Map<String, String> meta = new LinkedHashMap<>(FlClient.metadata("hospital-b", new FlClient.Update("u1", 5, 0, PLAN.fingerprint(), null)));
            assertThat(ErrorWords.of(catchThrowable(() -> wrongId.upload(SafeTensors.write(PLAN.initialWeights(), meta)))))
                    .startsWith("not allowed: ").contains("hospital-a").endsWith("; the site id must be the token's name");

            FlClient site = new FlClient(URI.create(s.url()), a, "hospital-a");
            Map<String, String> zero = new LinkedHashMap<>(FlClient.metadata("hospital-a", new FlClient.Update("u2", 1, 0, PLAN.fingerprint(), null)));
            zero.put("num_samples", "0");
            assertThat(ErrorWords.of(catchThrowable(() -> site.upload(SafeTensors.write(PLAN.initialWeights(), zero)))))
                    .isEqualTo("update refused as invalid: num_samples is 0, must be at least 1; train again (a lower learning rate helps when training diverged)");

            assertThat(ErrorWords.of(catchThrowable(() -> site.download(7)))).startsWith("the server answered 404 (version_not_kept): ");
        }
    }

    @Test
    void whenNoServerAnswersItSaysSoForAllOfThem() throws Exception {
        FlClient c = new FlClient(List.of(URI.create("http://127.0.0.1:" + TinyFederation.freePort()),
                URI.create("http://127.0.0.1:" + TinyFederation.freePort())), null, "a", null, Duration.ofSeconds(5), Failover.ONCE, new StopSignal());
        assertThat(ErrorWords.of(catchThrowable(c::status))).isEqualTo("no server answered (primary and backups): server unreachable: connection refused");
    }

    @Test
    void everythingElseIsOneLineWithoutATrace() {
        assertThat(ErrorWords.of(new StopSignal.Stopped())).isEqualTo("cancelled");
        assertThat(ErrorWords.of(new UserFacingException("/archive/labels.csv: no such labels file\nsecond line"))).isEqualTo("/archive/labels.csv: no such labels file");
        assertThat(ErrorWords.of(new IllegalStateException("boom\n\tat x.y(Z.java:1)")))
                .isEqualTo("internal error (IllegalStateException: boom); the details are in the terminal that started the client");
    }
}
