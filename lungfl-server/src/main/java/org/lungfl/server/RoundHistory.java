package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * {@code GET /api/v1/history}: every recent global version with its contributors, samples,
 * staleness and the sample-weighted validation metrics its contributors reported, oldest first.
 */
final class RoundHistory {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int HISTORY = 100;

    private RoundHistory() {}

    static ObjectNode json(AggregationService service) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("global_version", service.store().latestVersion());
        ArrayNode rounds = n.putArray("rounds");
        for (JsonNode e : service.store().recentRounds(HISTORY)) {
            AggregationService.Round r = service.roundOf(e);
            ObjectNode o = rounds.addObject();
            o.put("version", r.version()).put("contributors", r.contributors()).put("samples", r.samples())
                    .put("mean_staleness", r.meanStaleness()).put("max_staleness", r.maxStaleness()).put("at", r.at().toString());
            o.set("validation", service.validation(r.version()));
            o.set("privacy", PrivacyAccounting.at(e));
        }
        return n;
    }
}
