package org.lungfl.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;

/**
 * How a server runs. {@code capacity} is K (the {@code --max-clients} of the original tool);
 * {@code retention} how many recent global versions are kept for stale updates and downloads.
 */
public record ServerConfig(String host, int port, Path dataDir, int capacity, FederationPlan plan, boolean open, Path tlsCert,
        Path tlsKey, long maxBodyBytes, int retention, Replication replication, UploadLimits uploads, String store) {
    public static final long DEFAULT_MAX_BODY = 64L << 20;
    public static final int DEFAULT_RETENTION = 10;

    public ServerConfig(String host, int port, Path dataDir, int capacity, FederationPlan plan, boolean open, Path tlsCert, Path tlsKey,
            long maxBodyBytes, int retention) {
        this(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, retention, Replication.NONE);
    }

    public ServerConfig(String host, int port, Path dataDir, int capacity, FederationPlan plan, boolean open, Path tlsCert, Path tlsKey,
            long maxBodyBytes, int retention, Replication replication) {
        this(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, retention, replication, UploadLimits.DEFAULT);
    }

    public ServerConfig(String host, int port, Path dataDir, int capacity, FederationPlan plan, boolean open, Path tlsCert, Path tlsKey,
            long maxBodyBytes, int retention, Replication replication, UploadLimits uploads) {
        this(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, retention, replication, uploads, null);
    }

    /**
     * {@code store}: null for the files in {@code dataDir} (the default), or a
     * {@code postgresql://HOST:PORT/DB?user=...} URL: the federation lives in that database and any
     * number of servers may share it (docs/scaling-out.md).
     */
    public ServerConfig {
        if (store != null && !StoreUrl.isPostgres(store)) {
            throw new UserFacingException("--store '" + StoreUrl.redact(store) + "': give a postgresql://HOST:PORT/DATABASE?user=NAME URL"
                    + " (without --store the federation lives in --data-dir)");
        }
        if (store != null && replication.peerUrl() != null) {
            throw new UserFacingException("--backup-of and --peer are for a server with a data dir: with --store PostgreSQL replicates the"
                    + " federation itself (run more replicas against the same database instead)");
        }
    }

    /**
     * How uploads are kept from tying up the server (docs/security.md). A body must arrive at
     * {@code minBytesPerSecond} on average once {@code rateGrace} has passed, and completely within
     * {@code deadline}, or it gets 408; at most {@code maxConcurrent} bodies are received at once
     * (more get 503 with Retry-After); each client (token) may start {@code perClientPerMinute}
     * uploads a minute, retries included (more get 429; 0 = no limit). A connection silent for
     * {@code idleTimeout} is closed.
     */
    public record UploadLimits(long minBytesPerSecond, Duration rateGrace, Duration deadline, int maxConcurrent, int perClientPerMinute,
            Duration idleTimeout) {
        public static final long DEFAULT_MIN_BYTES_PER_SECOND = 16 << 10;
        public static final int DEFAULT_DEADLINE_SECONDS = 600;
        public static final int DEFAULT_MAX_CONCURRENT = 32;
        public static final int DEFAULT_PER_CLIENT_PER_MINUTE = 10;
        public static final UploadLimits DEFAULT = new UploadLimits(DEFAULT_MIN_BYTES_PER_SECOND, Duration.ofSeconds(10),
                Duration.ofSeconds(DEFAULT_DEADLINE_SECONDS), DEFAULT_MAX_CONCURRENT, DEFAULT_PER_CLIENT_PER_MINUTE, Duration.ofSeconds(30));

        public UploadLimits {
            if (minBytesPerSecond < 0 || rateGrace.isNegative() || deadline.isNegative() || deadline.isZero() || maxConcurrent < 1
                    || perClientPerMinute < 0 || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new UserFacingException("upload limits: rates and counts must be >= 0, --max-concurrent-uploads >= 1,"
                        + " the deadline and idle timeout > 0");
            }
        }
    }

    /**
     * Primary and backup (docs/backup.md): a backup names its primary ({@code --backup-of}), a
     * primary its backup ({@code --peer}); never both. {@code peerToken} is an admin token of the
     * peer (null when the peer runs {@code --open}); {@code peerCa} the PEM certificate to trust for
     * an https peer (null: the JVM's trust store).
     */
    public record Replication(URI backupOf, URI peer, Duration failoverAfter, Duration syncInterval, String peerToken, Path peerCa) {
        public static final Duration DEFAULT_FAILOVER_AFTER = Duration.ofSeconds(30);
        public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(2);
        public static final Replication NONE = new Replication(null, null, DEFAULT_FAILOVER_AFTER, DEFAULT_SYNC_INTERVAL, null, null);

        public Replication {
            if (backupOf != null && peer != null) throw new UserFacingException("--backup-of and --peer exclude each other: a backup's peer is its primary");
            for (URI u : new URI[] {backupOf, peer}) {
                if (u != null && (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())))) {
                    throw new UserFacingException("peer '" + u + "': give an http:// or https:// URL with a host");
                }
            }
            if (failoverAfter.isNegative() || syncInterval.isNegative() || syncInterval.isZero()) {
                throw new UserFacingException("--failover-after must be >= 0 and --sync-interval > 0");
            }
        }

        /** The other server, or null for a server on its own. */
        public URI peerUrl() {
            URI u = backupOf != null ? backupOf : peer;
            if (u == null) return null;
            String s = u.toString();
            return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : u;
        }
    }

    public static ServerConfig defaults(Path dataDir, FederationPlan plan) {
        return new ServerConfig("0.0.0.0", 5000, dataDir, 10, plan, false, null, null, DEFAULT_MAX_BODY, DEFAULT_RETENTION);
    }

    public ServerConfig withHostPort(String h, int p) {
        return new ServerConfig(h, p, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, retention, replication, uploads, store);
    }

    public ServerConfig withCapacity(int k) {
        return new ServerConfig(host, port, dataDir, k, plan, open, tlsCert, tlsKey, maxBodyBytes, retention, replication, uploads, store);
    }

    public ServerConfig withOpen(boolean o) {
        return new ServerConfig(host, port, dataDir, capacity, plan, o, tlsCert, tlsKey, maxBodyBytes, retention, replication, uploads, store);
    }

    public ServerConfig withTls(Path cert, Path key) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, cert, key, maxBodyBytes, retention, replication, uploads, store);
    }

    public ServerConfig withMaxBodyBytes(long max) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, max, retention, replication, uploads, store);
    }

    public ServerConfig withRetention(int r) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, r, replication, uploads, store);
    }

    public ServerConfig withReplication(Replication r) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, retention, r, uploads, store);
    }

    public ServerConfig withUploadLimits(UploadLimits u) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, retention, replication, u, store);
    }

    public ServerConfig withStore(String url) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, retention, replication, uploads, url);
    }

    public boolean tls() {
        return tlsCert != null;
    }
}
