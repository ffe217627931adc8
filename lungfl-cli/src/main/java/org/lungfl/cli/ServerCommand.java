package org.lungfl.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;
import org.lungfl.server.ServerMain;
import org.lungfl.server.StoreTokens;
import org.lungfl.server.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "server", mixinStandardHelpOptions = true, subcommands = {ServerCommand.Token.class, ServerMigrateCommand.class},
        description = {"Run the aggregation server: durable update queue, staleness-aware FedAvg, HTTP API.",
            "Console on stdin: execute, status, clients, history, clear, help, quit."})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "5000", description = "Port (0 picks a free one; default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "lungfl-server-data", description = "Queue, versions, tokens and audit log (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--store", paramLabel = "URL", description = {"Keep the federation in PostgreSQL instead of --data-dir.",
        "The URL is postgresql://HOST:PORT/DATABASE?user=NAME; the password comes from password_file=FILE, PGPASSWORD or ~/.pgpass.",
        "Any number of servers with the same --store serve one federation (docs/scaling-out.md)."})
    String store;

    @Option(names = "--max-clients", defaultValue = "10", description = "K: updates per automatic aggregation (default: ${DEFAULT-VALUE}).")
    int maxClients;

    @Option(names = "--plan", defaultValue = "demo", description = "Federation plan: demo, standard or a JSON file (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--open", description = "No authentication (trusted LAN only; announced in the log and in /status).")
    boolean open;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve HTTPS.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (unencrypted PKCS#8) for --tls-cert.")
    Path tlsKey;

    @Option(names = "--max-body-mb", defaultValue = "64", description = "Largest upload accepted, in MiB (default: ${DEFAULT-VALUE}).")
    long maxBodyMb;

    @Option(names = "--retention", defaultValue = "10", description = "Global versions kept for stale updates and downloads (default: ${DEFAULT-VALUE}).")
    int retention;

    @Option(names = "--backup-of", paramLabel = "URL", description = "Run as the standby backup of this primary (docs/backup.md).")
    String backupOf;

    @Option(names = "--peer", paramLabel = "URL", description = "On the primary: its backup, to catch up from after a failover (docs/backup.md).")
    String peer;

    @Option(names = "--failover-after", paramLabel = "SECONDS", defaultValue = "30",
            description = "Peer unreachable this long: the backup takes over, a starting primary serves alone (default: ${DEFAULT-VALUE}).")
    String failoverAfter;

    @Option(names = "--sync-interval", paramLabel = "SECONDS", defaultValue = "2", description = "How often the peer is polled (default: ${DEFAULT-VALUE}).")
    String syncInterval;

    @Option(names = "--peer-token-file", paramLabel = "FILE",
            description = "An admin token of the peer (not needed when the peer runs --open on this machine without admin tokens).")
    Path peerTokenFile;

    @Option(names = "--peer-ca", paramLabel = "PEM", description = "Trust only this certificate (the peer's, or its CA's) for an https peer.")
    Path peerCa;

    @Option(names = "--max-concurrent-uploads", paramLabel = "N", defaultValue = "" + ServerConfig.UploadLimits.DEFAULT_MAX_CONCURRENT,
            description = "Upload bodies received at once; more get 503 with Retry-After (default: ${DEFAULT-VALUE}).")
    int maxConcurrentUploads;

    @Option(names = "--upload-rate-limit", paramLabel = "N", defaultValue = "" + ServerConfig.UploadLimits.DEFAULT_PER_CLIENT_PER_MINUTE,
            description = "Uploads (retries included) one client token may start per minute; more get 429; 0 = no limit (default: ${DEFAULT-VALUE}).")
    int uploadRateLimit;

    @Option(names = "--min-upload-rate", paramLabel = "BYTES/S", defaultValue = "" + ServerConfig.UploadLimits.DEFAULT_MIN_BYTES_PER_SECOND,
            description = "An upload slower than this on average (after 10 s) gets 408 (default: ${DEFAULT-VALUE}).")
    long minUploadRate;

    @Option(names = "--upload-deadline", paramLabel = "SECONDS", defaultValue = "" + ServerConfig.UploadLimits.DEFAULT_DEADLINE_SECONDS,
            description = "An upload not complete by then gets 408 (default: ${DEFAULT-VALUE}).")
    String uploadDeadline;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) throw new UserFacingException("--tls-cert and --tls-key go together");
        if (maxBodyMb < 1) throw new UserFacingException("--max-body-mb must be at least 1");
        ServerConfig.UploadLimits d = ServerConfig.UploadLimits.DEFAULT;
        ServerConfig config = new ServerConfig(host, port, dataDir, maxClients, FederationPlan.load(plan), open, tlsCert, tlsKey,
                maxBodyMb << 20, retention, ServerMain.replication(backupOf, peer, seconds("--failover-after", failoverAfter),
                        seconds("--sync-interval", syncInterval), peerTokenFile, peerCa),
                new ServerConfig.UploadLimits(minUploadRate, d.rateGrace(), seconds("--upload-deadline", uploadDeadline), maxConcurrentUploads,
                        uploadRateLimit, d.idleTimeout()), store);
        LungflServer.serve(config, System.in, System.out);
        return 0;
    }

    private static java.time.Duration seconds(String option, String v) {
        try {
            return ServerMain.seconds(v);
        } catch (NumberFormatException e) {
            throw new UserFacingException("option " + option + ": '" + v + "' is not a number of seconds");
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Manage client and admin bearer tokens (only hashes are stored).",
            subcommands = {Token.Add.class, Token.List.class, Token.Revoke.class})
    static final class Token implements Runnable {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a token for NAME and print it (shown only this once).")
        static final class Add implements Callable<Integer> {
            @Parameters(paramLabel = "NAME", description = "Client id the token is bound to (or an operator's name with --admin).")
            String name;

            @Option(names = "--data-dir", defaultValue = "lungfl-server-data", description = "Server data dir (default: ${DEFAULT-VALUE}).")
            Path dataDir;

            @Option(names = "--store", paramLabel = "URL", description = "The federation's PostgreSQL database (instead of --data-dir).")
            String store;

            @Option(names = "--admin", description = "The coordinator's token: admin endpoints, every site's status, history and metrics; no uploads.")
            boolean admin;

            @Override
            public Integer call() {
                System.out.println(StoreTokens.open(store, dataDir).add(name, admin));
                return 0;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List token names (never the tokens).")
        static final class List implements Callable<Integer> {
            @Option(names = "--data-dir", defaultValue = "lungfl-server-data", description = "Server data dir (default: ${DEFAULT-VALUE}).")
            Path dataDir;

            @Option(names = "--store", paramLabel = "URL", description = "The federation's PostgreSQL database (instead of --data-dir).")
            String store;

            @Override
            public Integer call() {
                var tokens = StoreTokens.open(store, dataDir).list();
                if (tokens.isEmpty()) System.out.println("no tokens in " + (store == null ? dataDir : "the database"));
                for (Tokens.Entry e : tokens) {
                    System.out.printf("%-32s %-6s created %s%n", e.name(), e.admin() ? "admin" : "client", e.createdAt());
                }
                return 0;
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke NAME's token; a running server notices at once.")
        static final class Revoke implements Callable<Integer> {
            @Parameters(paramLabel = "NAME")
            String name;

            @Option(names = "--data-dir", defaultValue = "lungfl-server-data", description = "Server data dir (default: ${DEFAULT-VALUE}).")
            Path dataDir;

            @Option(names = "--store", paramLabel = "URL", description = "The federation's PostgreSQL database (instead of --data-dir).")
            String store;

            @Override
            public Integer call() {
                if (!StoreTokens.open(store, dataDir).revoke(name)) {
                    throw new UserFacingException("no token named '" + name + "' in " + (store == null ? dataDir : "the database"));
                }
                System.out.println("revoked " + name);
                return 0;
            }
        }
    }
}
