package org.lungfl.server;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.lungfl.core.UserFacingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running aggregation server: data dir recovered, HTTP(S) listening, optionally a console. */
public final class LungflServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LungflServer.class);

    private final ServerConfig config;
    private final AggregationService service;
    private final HttpApi api;
    private final Javalin app;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean stopping;

    private LungflServer(ServerConfig config) throws IOException {
        this.config = config;
        // A TLS setup that cannot work is refused before the data dir is touched.
        KeyStore tls = config.tls() ? PemKeyStore.load(config.tlsCert(), config.tlsKey()) : null;
        this.service = AggregationService.open(openStore(config), config.plan(), config.capacity(), config.retention(),
                config.replication().peerUrl() == null);
        Tokens tokens = service.store().tokens();
        this.api = new HttpApi(service, tokens, config);
        long idleMillis = config.uploads().idleTimeout().toMillis();
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.requestLogger.http(api::log);
            // In-flight requests are drained by HttpApi before Jetty stops; idle keep-alive
            // connections need no grace period. Errors Jetty answers itself are JSON too.
            cfg.jetty.modifyServer(s -> {
                s.setStopTimeout(0);
                s.setErrorHandler(new JsonErrorHandler());
            });
            cfg.jetty.modifyServletContextHandler(h -> h.setErrorHandler(new JsonErrorHandler()));
            // A connection silent this long is closed: a stalled upload then ends with 408.
            cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(idleMillis));
            if (tls != null) cfg.jetty.addConnector((server, http) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(tls);
                ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
                HttpConfiguration https = new HttpConfiguration(http);
                SecureRequestCustomizer src = new SecureRequestCustomizer();
                src.setSniHostCheck(false);
                https.addCustomizer(src);
                ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
                c.setHost(config.host());
                c.setPort(config.port());
                c.setIdleTimeout(idleMillis);
                return c;
            });
            else cfg.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
                c.setHost(config.host());
                c.setPort(config.port());
                c.setIdleTimeout(idleMillis);
                return c;
            });
        });
        api.routes(app);
        if (config.open()) {
            LOG.warn("OPEN MODE: no authentication. Anyone who can reach this server can upload updates and download the model. "
                    + "Use only on a trusted network.");
        } else if (tokens.problem() != null) {
            LOG.error("{}: every request is refused until the token file is fixed", tokens.problem());
        } else {
            var list = tokens.list();
            String where = config.store() == null ? "--data-dir " + config.dataDir() : "--store " + StoreUrl.redact(config.store());
            if (list.stream().noneMatch(e -> !e.admin())) {
                LOG.warn("no client tokens yet: create one per site with `lungfl server token add NAME {}`", where);
            }
            if (list.stream().noneMatch(Tokens.Entry::admin)) {
                LOG.info("no admin token: the admin endpoints are closed (`lungfl server token add NAME --admin {}`)", where);
            }
        }
    }

    /**
     * The data dir, or the database of {@code --store}. PostgresStore is named only here and only
     * reached with {@code --store}: with files, neither the JDBC driver nor the pool is ever loaded.
     */
    static FederationStore openStore(ServerConfig config) throws IOException {
        if (config.store() == null) return FileStore.open(config.dataDir(), config.plan());
        return PostgresStore.open(config.store(), config.plan());
    }

    /** Recovers the data dir and starts listening; port 0 picks a free port. */
    public static LungflServer start(ServerConfig config) throws IOException {
        LungflServer s = new LungflServer(config);
        // Before the first request: a backup starts in standby, a primary with a peer catching up.
        if (s.api.peer() != null) s.api.peer().start();
        try {
            s.app.start();
        } catch (RuntimeException e) {
            if (s.api.peer() != null) s.api.peer().close();
            s.service.close();
            throw new UserFacingException("cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e), e);
        }
        LOG.info("LungFL server on {} (plan '{}', K = {}, global version {}, auth {}{})", s.url(), config.plan().name(),
                config.capacity(), s.service.snapshot().globalVersion(), config.open() ? "open" : "tokens",
                s.api.peer() == null ? "" : ", " + s.api.peer().role().json() + " with peer " + config.replication().peerUrl());
        return s;
    }

    /**
     * Runs a server until {@code quit} on the console, SIGTERM or {@link #stop}: what both
     * {@code lungfl server} and {@link ServerMain} do.
     */
    public static void serve(ServerConfig config, InputStream console, PrintStream out) throws IOException, InterruptedException {
        LungflServer s = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "shutdown"));
        out.println("LungFL server listening on " + s.url());
        out.println("console: type 'help' for commands");
        out.flush();
        new Console(s, console, out).start();
        s.awaitStop();
    }

    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    public String url() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return (config.tls() ? "https://" : "http://") + host + ":" + port();
    }

    public AggregationService service() {
        return service;
    }

    HttpApi api() {
        return api;
    }

    /** Graceful: refuse new requests, finish those in flight and any aggregation, then close. */
    public void stop() {
        synchronized (this) {
            if (stopping) {
                awaitQuietly();
                return;
            }
            stopping = true;
        }
        try {
            if (api.peer() != null) api.peer().close();
            api.drain(Duration.ofSeconds(30));
            try {
                app.stop();
            } catch (RuntimeException e) {
                LOG.warn("HTTP server stopped uncleanly: {}", e.toString());
            }
            String last = "global version " + service.snapshot().globalVersion() + ", " + service.queueSize() + " queued";
            service.close();
            LOG.info("stopped; {}", last);
        } catch (IOException | RuntimeException e) {
            LOG.error("error while stopping: {}", e.toString());
        } finally {
            stopped.countDown();
        }
    }

    private void awaitQuietly() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        stop();
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }
}
