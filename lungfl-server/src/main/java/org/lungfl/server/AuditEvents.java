package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The audit events that more than one part writes (the service, and a store recovering after a crash), built in one place. */
final class AuditEvents {
    private AuditEvents() {}

    static ObjectNode received(QueuedUpdate q, long bytes, JsonNode metrics) {
        ObjectNode e = AuditLog.event("received");
        e.put("seq", q.seq()).put("client_id", q.clientId()).put("update_id", q.updateId()).put("num_samples", q.numSamples())
                .put("base_version", q.baseVersion()).put("address", q.address()).put("bytes", bytes).put("sha256", q.sha256());
        if (metrics != null) e.set("metrics", metrics);
        return e;
    }

    static ObjectNode replaced(QueuedUpdate older, QueuedUpdate newer) {
        ObjectNode e = AuditLog.event("replaced");
        e.put("client_id", older.clientId()).put("update_id", older.updateId()).put("seq", older.seq())
                .put("by_update_id", newer == null ? null : newer.updateId());
        return e;
    }

    /** A version's {@code aggregated} event from its metadata: when, who contributed, and its DP account. */
    static ObjectNode aggregated(long version, Map<String, String> meta, ArrayNode contributors) {
        ObjectNode e = AuditLog.event("aggregated");
        e.put("version", version).put("created_at", meta.get("created_at")).set("contributors", contributors);
        meta.forEach((k, x) -> {
            if (k.startsWith("dp_")) e.put(k, x);
        });
        return e;
    }
}
