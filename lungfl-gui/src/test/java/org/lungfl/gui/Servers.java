package org.lungfl.gui;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.lungfl.client.TinyFederation;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;
import org.lungfl.server.TokenStore;

/** Real servers on loopback ports for the desktop client's tests, with tokens written to files as an operator hands them out. */
public final class Servers {
    /** The tiny plan with another HU window: same tensors, another preprocessing, so another fingerprint. */
    public static final FederationPlan OTHER_PLAN = FederationPlan.parse(TinyFederation.PLAN_JSON.replace("\"tiny\"", "\"tiny-b\"")
            .replace("[-1000.0, 400.0]", "[-1000.0, 300.0]").getBytes(), "tiny-b");

    private Servers() {}

    /** A token for {@code name} on the server whose data folder is {@code dataDir}, in a file of its own. */
    static Path tokenFile(Path dataDir, String name, Path file) throws Exception {
        Files.createDirectories(dataDir);
        return Files.writeString(file, new TokenStore(dataDir).add(name, false) + "\n");
    }

    static LungflServer start(Path dataDir, FederationPlan plan, int port, int capacity) throws Exception {
        return LungflServer.start(ServerConfig.defaults(dataDir, plan).withHostPort("127.0.0.1", port).withCapacity(capacity));
    }

    /**
     * A backup of {@code primary} (docs/backup.md) with the same tokens, taking over after one
     * second without the primary; {@code peerToken} is an admin token both servers know.
     */
    static LungflServer startBackup(Path dataDir, Path primaryDataDir, FederationPlan plan, int port, URI primary, String peerToken, int capacity,
            Duration failoverAfter) throws Exception {
        Files.createDirectories(dataDir);
        Files.copy(primaryDataDir.resolve(TokenStore.FILE), dataDir.resolve(TokenStore.FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var replication = new ServerConfig.Replication(primary, null, failoverAfter, Duration.ofMillis(200), peerToken, null);
        return LungflServer.start(ServerConfig.defaults(dataDir, plan).withHostPort("127.0.0.1", port).withCapacity(capacity)
                .withReplication(replication));
    }

    static LungflServer startPrimaryWithBackup(Path dataDir, FederationPlan plan, int port, URI backup, String peerToken, int capacity)
            throws Exception {
        var replication = new ServerConfig.Replication(null, backup, Duration.ofSeconds(1), Duration.ofMillis(200), peerToken, null);
        return LungflServer.start(ServerConfig.defaults(dataDir, plan).withHostPort("127.0.0.1", port).withCapacity(capacity)
                .withReplication(replication));
    }
}
