package org.lungfl.server;

import java.nio.file.Path;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;

/**
 * A bare entry point for running the server as its own process (tests, benchmarks) with the same
 * options as {@code lungfl server}: {@code --host --port --data-dir --max-clients --plan --open
 * --tls-cert --tls-key --max-body-bytes --retention --backup-of --peer --failover-after --sync-interval --peer-token-file --peer-ca
 * --max-concurrent-uploads --min-upload-rate --upload-deadline --upload-rate-limit --idle-timeout --store}.
 */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        try {
            LungflServer.serve(parse(args), System.in, System.out);
            System.exit(0);
        } catch (UserFacingException e) {
            System.err.println("lungfl server: " + e.getMessage());
            System.exit(1);
        }
    }

    static ServerConfig parse(String[] args) {
        String host = "0.0.0.0", plan = "demo", dataDir = "lungfl-server-data";
        int port = 5000, k = 10, retention = ServerConfig.DEFAULT_RETENTION;
        long maxBody = ServerConfig.DEFAULT_MAX_BODY;
        boolean open = false;
        Path cert = null, key = null, peerTokenFile = null, peerCa = null;
        String backupOf = null, peer = null, store = null;
        java.time.Duration failoverAfter = ServerConfig.Replication.DEFAULT_FAILOVER_AFTER;
        java.time.Duration syncInterval = ServerConfig.Replication.DEFAULT_SYNC_INTERVAL;
        ServerConfig.UploadLimits u = ServerConfig.UploadLimits.DEFAULT;
        long minRate = u.minBytesPerSecond();
        java.time.Duration deadline = u.deadline(), idle = u.idleTimeout();
        int concurrent = u.maxConcurrent(), perMinute = u.perClientPerMinute();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--open")) {
                open = true;
                continue;
            }
            if (i + 1 >= args.length) throw new UserFacingException("option " + a + " needs a value");
            String v = args[++i];
            try {
                switch (a) {
                    case "--host" -> host = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--data-dir" -> dataDir = v;
                    case "--max-clients" -> k = Integer.parseInt(v);
                    case "--plan" -> plan = v;
                    case "--tls-cert" -> cert = Path.of(v);
                    case "--tls-key" -> key = Path.of(v);
                    case "--max-body-bytes" -> maxBody = Long.parseLong(v);
                    case "--retention" -> retention = Integer.parseInt(v);
                    case "--backup-of" -> backupOf = v;
                    case "--peer" -> peer = v;
                    case "--failover-after" -> failoverAfter = seconds(v);
                    case "--sync-interval" -> syncInterval = seconds(v);
                    case "--peer-token-file" -> peerTokenFile = Path.of(v);
                    case "--peer-ca" -> peerCa = Path.of(v);
                    case "--max-concurrent-uploads" -> concurrent = Integer.parseInt(v);
                    case "--min-upload-rate" -> minRate = Long.parseLong(v);
                    case "--upload-deadline" -> deadline = seconds(v);
                    case "--upload-rate-limit" -> perMinute = Integer.parseInt(v);
                    case "--idle-timeout" -> idle = seconds(v);
                    case "--store" -> store = v;
                    default -> throw new UserFacingException("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new UserFacingException("option " + a + ": '" + v + "' is not a number");
            }
        }
        if ((cert == null) != (key == null)) throw new UserFacingException("--tls-cert and --tls-key go together");
        return new ServerConfig(host, port, Path.of(dataDir), k, FederationPlan.load(plan), open, cert, key, maxBody, retention,
                replication(backupOf, peer, failoverAfter, syncInterval, peerTokenFile, peerCa),
                new ServerConfig.UploadLimits(minRate, u.rateGrace(), deadline, concurrent, perMinute, idle), store);
    }

    /** {@code --failover-after 30}, {@code --sync-interval 0.5}: seconds, fractions allowed. */
    public static java.time.Duration seconds(String v) {
        double s = Double.parseDouble(v);
        if (!(s >= 0) || s > 1e9) throw new NumberFormatException(v);
        return java.time.Duration.ofMillis(Math.round(s * 1000));
    }

    /** The replication options of both {@code lungfl server} and this entry point. */
    public static ServerConfig.Replication replication(String backupOf, String peer, java.time.Duration failoverAfter,
            java.time.Duration syncInterval, Path peerTokenFile, Path peerCa) {
        String token = null;
        if (peerTokenFile != null) {
            try {
                token = java.nio.file.Files.readString(peerTokenFile).strip();
            } catch (java.io.IOException e) {
                throw new UserFacingException("--peer-token-file " + peerTokenFile + ": cannot read (" + e.getMessage() + ")");
            }
            if (token.isEmpty()) throw new UserFacingException("--peer-token-file " + peerTokenFile + " is empty");
        }
        try {
            return new ServerConfig.Replication(backupOf == null ? null : java.net.URI.create(backupOf), peer == null ? null : java.net.URI.create(peer),
                    failoverAfter, syncInterval, token, peerCa);
        } catch (IllegalArgumentException e) {
            throw new UserFacingException("peer URL '" + (backupOf != null ? backupOf : peer) + "' is not a URL");
        }
    }
}
