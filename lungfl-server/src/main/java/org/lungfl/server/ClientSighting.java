package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What the coordinator knows about one client: when and from where it was last seen, how its
 * uploads fared and the metrics it last reported. Each change keeps the newest value by time, so
 * folding the same events in any order gives the same sighting (the past is read from the audit
 * log while new events arrive).
 *
 * @param lastSeen the newest upload or other request (downloads count only while the server runs)
 * @param address where {@code lastSeen} came from
 */
record ClientSighting(String clientId, Instant firstSeen, Instant lastSeen, String address, Instant lastUploadAt, long accepted,
        long rejected, long duplicate, JsonNode lastMetrics, Instant lastMetricsAt, Rejection lastRejection) {

    /** Why the newest refused upload was refused: the HTTP status and the error code of its answer. */
    record Rejection(Instant at, int status, String error) {}

    static ClientSighting none(String clientId) {
        return new ClientSighting(clientId, null, null, null, null, 0, 0, 0, null, null, null);
    }

    ClientSighting received(Instant at, String address, JsonNode metrics) {
        ClientSighting s = upload(at, address).counted(1, 0, 0);
        if (metrics == null || !metrics.isObject() || newer(lastMetricsAt, at)) return s;
        return new ClientSighting(clientId, s.firstSeen, s.lastSeen, s.address, s.lastUploadAt, s.accepted, s.rejected, s.duplicate,
                metrics, at, s.lastRejection);
    }

    ClientSighting duplicate(Instant at, String address) {
        return upload(at, address).counted(0, 0, 1);
    }

    ClientSighting rejected(Instant at, String address, int status, String error) {
        ClientSighting s = upload(at, address).counted(0, 1, 0);
        if (lastRejection != null && newer(lastRejection.at(), at)) return s;
        return new ClientSighting(clientId, s.firstSeen, s.lastSeen, s.address, s.lastUploadAt, s.accepted, s.rejected, s.duplicate,
                s.lastMetrics, s.lastMetricsAt, new Rejection(at, status, error));
    }

    /** A request other than an upload (a download, the plan): alive, nothing counted. */
    ClientSighting requested(Instant at, String address) {
        return seen(at, address);
    }

    /** An update mirrored from the peer server: counted, but its time and address are the peer's, not the client's. */
    ClientSighting mirrored() {
        return counted(1, 0, 0);
    }

    private ClientSighting upload(Instant at, String address) {
        ClientSighting s = seen(at, address);
        Instant up = lastUploadAt == null || at.isAfter(lastUploadAt) ? at : lastUploadAt;
        return new ClientSighting(clientId, s.firstSeen, s.lastSeen, s.address, up, accepted, rejected, duplicate, lastMetrics,
                lastMetricsAt, lastRejection);
    }

    private ClientSighting seen(Instant at, String address) {
        Instant first = firstSeen == null || at.isBefore(firstSeen) ? at : firstSeen;
        boolean newest = lastSeen == null || !at.isBefore(lastSeen);
        return new ClientSighting(clientId, first, newest ? at : lastSeen, newest && address != null ? address : this.address, lastUploadAt,
                accepted, rejected, duplicate, lastMetrics, lastMetricsAt, lastRejection);
    }

    private ClientSighting counted(long acc, long rej, long dup) {
        return new ClientSighting(clientId, firstSeen, lastSeen, address, lastUploadAt, accepted + acc, rejected + rej, duplicate + dup,
                lastMetrics, lastMetricsAt, lastRejection);
    }

    private static boolean newer(Instant known, Instant at) {
        return known != null && known.isAfter(at);
    }
}
