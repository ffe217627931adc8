package org.lungfl.gui.site;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.FlClient;
import org.lungfl.client.FlClientException;
import org.lungfl.core.UserFacingException;

/** "Send update" and "Download global model", with the files the federated cycle keeps. */
public final class Exchange {
    private Exchange() {}

    /**
     * The update goes to {@code pending-update.safetensors} before it is sent and is removed once a
     * server took it, as in the federated cycle: an update whose answer was lost is sent again, the
     * same bytes, by the next "Send update" or federated run, and the server counts it once.
     * An update a server refuses (4xx) can never count and is not kept pending.
     */
    public static FlClient.UploadResult send(FlClient client, SiteFolder site, LocalUpdate u) {
        site.create();
        FederatedTrainingCycle.save(site.pending(), u.safetensors());
        FlClient.UploadResult r;
        try {
            r = client.upload(u.safetensors());
        } catch (FlClientException e) {
            if (!e.retryable() && e.status() != 0) deletePending(site);
            throw e;
        }
        deletePending(site);
        return r;
    }

    public static GlobalModel download(FlClient client, SiteFolder site) {
        FlClient.Model m = client.downloadGlobalModel();
        GlobalModel g = GlobalModel.of(m.version(), m.safetensors(), Instant.now());
        site.saveGlobal(g);
        return g;
    }

    private static void deletePending(SiteFolder site) {
        try {
            Files.deleteIfExists(site.pending());
        } catch (IOException e) {
            throw new UserFacingException(site.pending() + ": cannot delete: " + e.getMessage(), e);
        }
    }
}
