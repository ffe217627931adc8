package org.lungfl.gui;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import org.lungfl.client.FlClientException;

/**
 * Which server this site is working with, since when and why, told by every client the window
 * uses (status polling and each operation have their own). A failover is reported once, when it
 * happens; later clients that land on the same backup do not restart its clock.
 */
public final class FailoverWatch {
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private final Clock clock;
    private final Consumer<String> events;
    private URI primary;
    private URI using;
    private Instant since;
    private String why;

    /** @param events told, in words, of every change (for the log); called on the thread that saw it */
    public FailoverWatch(Clock clock, Consumer<String> events) {
        this.clock = clock;
        this.events = events;
    }

    public synchronized void reset(URI primary) {
        this.primary = primary;
        this.using = primary;
        this.since = null;
        this.why = null;
    }

    /** From {@link org.lungfl.client.FlClient.ServerSwitchListener}. */
    public void switched(URI from, URI to, FlClientException cause) {
        String event;
        synchronized (this) {
            if (primary == null || to.equals(using)) return;
            using = to;
            if (to.equals(primary)) {
                since = null;
                why = null;
                event = "back on the primary server " + primary;
            } else {
                since = clock.instant();
                why = (from.equals(primary) ? "primary unreachable: " : from + " unreachable: ")
                        + (cause == null ? "no answer" : ErrorWords.unreachableReason(cause));
                event = "failover: now using backup " + to + " (" + why + ")";
            }
        }
        events.accept(event);
    }

    /** A fresh client got its answer from {@code server}: it is the one in use now. */
    public void answered(URI server) {
        boolean back;
        synchronized (this) {
            back = primary != null && server.equals(primary) && !primary.equals(using);
            if (!back) return;
        }
        switched(using, server, null);
    }

    public synchronized boolean onBackup() {
        return primary != null && !primary.equals(using);
    }

    /** Why the backup is in use ("primary unreachable: connection refused"), or null on the primary. */
    public synchronized String why() {
        return onBackup() ? why : null;
    }

    public synchronized URI using() {
        return using;
    }

    /** "using backup http://b:5000 since 12:03: primary unreachable: connection refused", or null on the primary. */
    public synchronized String banner(ZoneId zone) {
        if (!onBackup()) return null;
        return "using backup " + using + " since " + HH_MM.format(since.atZone(zone)) + ": " + why;
    }
}
