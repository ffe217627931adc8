package org.lungfl.server;

import java.nio.file.Path;
import org.lungfl.core.plan.FederationPlan;

/**
 * How a server runs. {@code capacity} is K (the {@code --max-clients} of the original tool);
 * {@code retention} how many recent global versions are kept for stale updates and downloads.
 */
public record ServerConfig(String host, int port, Path dataDir, int capacity, FederationPlan plan, boolean open, Path tlsCert,
        Path tlsKey, long maxBodyBytes, int retention) {
    public static final long DEFAULT_MAX_BODY = 64L << 20;
    public static final int DEFAULT_RETENTION = 10;

    public static ServerConfig defaults(Path dataDir, FederationPlan plan) {
        return new ServerConfig("0.0.0.0", 5000, dataDir, 10, plan, false, null, null, DEFAULT_MAX_BODY, DEFAULT_RETENTION);
    }

    public ServerConfig withHostPort(String h, int p) {
        return new ServerConfig(h, p, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, retention);
    }

    public ServerConfig withCapacity(int k) {
        return new ServerConfig(host, port, dataDir, k, plan, open, tlsCert, tlsKey, maxBodyBytes, retention);
    }

    public ServerConfig withOpen(boolean o) {
        return new ServerConfig(host, port, dataDir, capacity, plan, o, tlsCert, tlsKey, maxBodyBytes, retention);
    }

    public ServerConfig withTls(Path cert, Path key) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, cert, key, maxBodyBytes, retention);
    }

    public ServerConfig withMaxBodyBytes(long max) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, max, retention);
    }

    public ServerConfig withRetention(int r) {
        return new ServerConfig(host, port, dataDir, capacity, plan, open, tlsCert, tlsKey, maxBodyBytes, r);
    }

    public boolean tls() {
        return tlsCert != null;
    }
}
