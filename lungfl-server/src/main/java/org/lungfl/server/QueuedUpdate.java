package org.lungfl.server;

import java.nio.file.Path;
import java.time.Instant;

/** An acknowledged update on disk, waiting for (or taken into) an aggregation; {@code sha256} is its file's hash. */
record QueuedUpdate(long seq, String clientId, String updateId, long numSamples, long baseVersion, String address,
        Instant receivedAt, Path file, String sha256) {
    /** Idempotency key: an update id is the client's, so two clients may use the same one. */
    String key() {
        return key(clientId, updateId);
    }

    static String key(String clientId, String updateId) {
        return clientId + '\u0000' + updateId;
    }
}
