package org.lungfl.server;

import java.time.Instant;

/**
 * An acknowledged update held by the store, waiting for (or taken into) an aggregation;
 * {@code sha256} is its bytes' hash, {@code metrics} the validated metrics it reported (or null).
 */
record QueuedUpdate(long seq, String clientId, String updateId, long numSamples, long baseVersion, String address,
        Instant receivedAt, String sha256, String metrics) {
    /** Idempotency key: an update id is the client's, so two clients may use the same one. */
    String key() {
        return key(clientId, updateId);
    }

    static String key(String clientId, String updateId) {
        return clientId + '\u0000' + updateId;
    }
}
