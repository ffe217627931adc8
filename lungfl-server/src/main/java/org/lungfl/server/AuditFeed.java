package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the dashboard's views from the audit log: the client sightings and the tail of events.
 * New events arrive as they are appended; the log's past is read on a background thread, so a
 * long log does not delay the server's start. Readers wait (bounded) until the past is in.
 */
final class AuditFeed {
    private static final Logger LOG = LoggerFactory.getLogger(AuditFeed.class);
    static final int TAIL = 1000;

    private final ClientRegistry clients;
    private final AuditTail tail = new AuditTail(TAIL);
    private final CountDownLatch loaded = new CountDownLatch(1);

    AuditFeed(AuditLog audit, Path dataDir, ClientRegistry clients) throws IOException {
        this.clients = clients;
        long pastBytes = audit.subscribe(e -> {
            clients.record(e);
            tail.live(e);
        });
        Thread t = new Thread(() -> load(dataDir, pastBytes), "audit-feed");
        t.setDaemon(true);
        t.start();
    }

    private void load(Path dataDir, long pastBytes) {
        long t0 = System.nanoTime();
        try {
            AuditLog.scan(dataDir, pastBytes, e -> {
                clients.record(e);
                tail.past(e);
            });
            LOG.debug("audit log read for the dashboard: {} events in {} ms", tail.size(), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.warn("the dashboard could not read the audit log's past ({}); it shows events from now on", e.toString());
        } finally {
            tail.pastDone();
            loaded.countDown();
        }
    }

    ClientRegistry clients() throws InterruptedException {
        awaitLoaded();
        return clients;
    }

    AuditTail tail() throws InterruptedException {
        awaitLoaded();
        return tail;
    }

    /** A request (download, plan) from a client that has uploaded before: it is alive. */
    void requested(String clientId, String address, java.time.Instant at) {
        clients.updateIfKnown(clientId, s -> s.requested(at, address));
    }

    private void awaitLoaded() throws InterruptedException {
        if (!loaded.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new ApiException(503, "loading", "the audit log is still being read; retry shortly");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
}
