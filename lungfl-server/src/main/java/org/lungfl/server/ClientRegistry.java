package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Every client the federation has seen (the dashboard's client table). The port behind which the
 * sightings live: {@link MemoryClientRegistry} rebuilt from the audit log at start today, a table
 * of the {@code FederationStore} later. How audit events change a sighting is decided here, once,
 * for every store.
 */
interface ClientRegistry {
    /** Applies {@code change} to the client's sighting ({@link ClientSighting#none} for a new client), atomically. */
    void update(String clientId, UnaryOperator<ClientSighting> change);

    /** Like {@link #update}, but only for a client already known (so that an admin's requests make no row). */
    void updateIfKnown(String clientId, UnaryOperator<ClientSighting> change);

    /** Every sighting, by client id. */
    List<ClientSighting> all();

    /** Folds one audit log line ({@link AuditLog}) into the sightings; events that name no client change nothing. */
    default void record(JsonNode event) {
        Instant at;
        try {
            at = Instant.parse(event.path("time").asText());
        } catch (DateTimeParseException e) {
            return;
        }
        String address = event.path("address").asText(null);
        switch (event.path("event").asText()) {
            case "received" -> {
                String id = event.path("client_id").asText();
                JsonNode metrics = event.get("metrics");
                if (AggregationService.PEER_ADDRESS.equals(address)) update(id, ClientSighting::mirrored);
                else update(id, s -> s.received(at, address, metrics));
            }
            case "duplicate" -> {
                if (!AggregationService.PEER_ADDRESS.equals(address)) update(event.path("client_id").asText(), s -> s.duplicate(at, address));
            }
            case "rejected" -> {
                // Uploads refused before anyone was identified (no token, no X-LungFL-Client) belong to no client.
                String id = event.path("client").asText(null);
                if (id != null) update(id, s -> s.rejected(at, address, event.path("status").asInt(), event.path("error").asText(null)));
            }
            default -> { }
        }
    }
}
