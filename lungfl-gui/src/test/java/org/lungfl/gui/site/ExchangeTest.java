package org.lungfl.gui.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.client.FlClient;
import org.lungfl.client.FlClientException;
import org.lungfl.client.TinyFederation;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;
import org.lungfl.server.TokenStore;

/** "Send update" and "Download global model" against a real server: counted once, kept pending only while it may still count. */
class ExchangeTest {
    static final FederationPlan PLAN = TinyFederation.plan();
    @TempDir Path dir;

    private static LocalUpdate update(String id, FederationPlan plan) {
        return LocalUpdate.of(SafeTensors.write(PLAN.initialWeights(), FlClient.metadata("hospital-a",
                new FlClient.Update(id, 6, 0, plan.fingerprint(), null))), "test update");
    }

    @Test
    void anUpdateIsSentOnceAndTheGlobalModelKept() throws Exception {
        String token = new TokenStore(dir.resolve("srv")).add("hospital-a", false);
        SiteFolder site = new SiteFolder(dir.resolve("site"));
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("srv"), PLAN).withHostPort("127.0.0.1", 0).withCapacity(2))) {
            FlClient c = new FlClient(URI.create(s.url()), token, "hospital-a");
            LocalUpdate u = update("gui-1", PLAN);
            FlClient.UploadResult first = Exchange.send(c, site, u);
            assertThat(first.duplicate()).isFalse();
            assertThat(first.queueSize()).isEqualTo(1);
            assertThat(site.pending()).doesNotExist();
            // pressed again (or after a lost answer): the same bytes, counted once
            assertThat(Exchange.send(c, site, u).duplicate()).isTrue();
            assertThat(s.service().snapshot().queueSize()).isEqualTo(1);

            GlobalModel g = Exchange.download(c, site);
            assertThat(g.version()).isZero();
            assertThat(site.savedGlobal()).hasValueSatisfying(saved -> assertThat(saved.version()).isZero());

            // refused for good (another plan): nothing is left pending for the next federated run to resend
            assertThatThrownBy(() -> Exchange.send(c, site, update("gui-2", org.lungfl.gui.Servers.OTHER_PLAN)))
                    .isInstanceOfSatisfying(FlClientException.class, e -> assertThat(e.status()).isEqualTo(409));
            assertThat(site.pending()).doesNotExist();
        }
        // no answer at all: the update stays pending, so it is sent first next time
        FlClient gone = new FlClient(URI.create("http://127.0.0.1:" + TinyFederation.freePort()), token, "hospital-a");
        assertThatThrownBy(() -> Exchange.send(gone, site, update("gui-3", PLAN))).isInstanceOf(FlClientException.class);
        assertThat(site.pending()).exists();
        assertThat(LocalUpdate.of(Files.readAllBytes(site.pending()), "pending").updateId()).isEqualTo("gui-3");
    }
}
