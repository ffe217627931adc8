package org.lungfl.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/history}: every recent global version with its contributors, samples,
 * staleness and the sample-weighted validation metrics its contributors reported, oldest first.
 */
final class RoundHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RoundHistory() {}

    static ObjectNode json(AggregationService service) {
        ObjectNode n = JSON.createObjectNode();
        n.put("global_version", service.snapshot().globalVersion());
        ArrayNode rounds = n.putArray("rounds");
        for (AggregationService.Round r : service.history()) {
            ObjectNode o = rounds.addObject();
            o.put("version", r.version()).put("contributors", r.contributors()).put("samples", r.samples())
                    .put("mean_staleness", r.meanStaleness()).put("max_staleness", r.maxStaleness()).put("at", r.at().toString());
            o.set("validation", service.validation().summary(r.version()));
            o.set("privacy", service.privacy().at(r.version()));
        }
        return n;
    }
}
