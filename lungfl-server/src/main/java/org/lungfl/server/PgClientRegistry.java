package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Client sightings in the {@code client_sightings} table: each audit event that names a client is
 * folded in ({@link ClientRegistry#record}, the same rules as the file store's) in the transaction
 * that appends it, so every replica shows the same table. A download or plan request refreshes
 * "last seen" at most every {@link #REQUESTED_EVERY_MS} ms per client and replica: a write per
 * request would cost more than the freshness is worth.
 */
final class PgClientRegistry implements ClientRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long REQUESTED_EVERY_MS = 10_000;

    private final PgDatabase db;
    private final Map<String, Long> lastRequested = new ConcurrentHashMap<>();

    PgClientRegistry(PgDatabase db) {
        this.db = db;
    }

    /** Folds an event into the sightings within the caller's transaction. */
    static void record(Connection c, JsonNode event) throws SQLException {
        new InTransaction(c).record(event);
    }

    void requested(String clientId, String address, Instant at) {
        long now = System.currentTimeMillis();
        Long last = lastRequested.get(clientId);
        if (last != null && now - last < REQUESTED_EVERY_MS) return;
        lastRequested.put(clientId, now);
        try {
            db.tx(false, tx -> {
                new InTransaction(tx.c).updateIfKnown(clientId, s -> s.requested(at, address));
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // Liveness for the dashboard only: never fail the download it rides on.
            lastRequested.remove(clientId);
        }
    }

    @Override
    public void update(String clientId, UnaryOperator<ClientSighting> change) {
        run(c -> new InTransaction(c).update(clientId, change));
    }

    @Override
    public void updateIfKnown(String clientId, UnaryOperator<ClientSighting> change) {
        run(c -> new InTransaction(c).updateIfKnown(clientId, change));
    }

    private interface Change {
        void apply(Connection c) throws SQLException;
    }

    private void run(Change change) {
        try {
            db.tx(tx -> {
                change.apply(tx.c);
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<ClientSighting> all() {
        try {
            return db.tx(tx -> {
                List<ClientSighting> out = new ArrayList<>();
                try (PreparedStatement s = tx.c.prepareStatement("SELECT sighting FROM client_sightings ORDER BY client_id");
                        ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(fromJson(JSON.readTree(r.getString(1))));
                }
                return out;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registry's rules applied to rows of one transaction. */
    private record InTransaction(Connection c) implements ClientRegistry {
        @Override
        public void update(String clientId, UnaryOperator<ClientSighting> change) {
            change(clientId, change, true);
        }

        @Override
        public void updateIfKnown(String clientId, UnaryOperator<ClientSighting> change) {
            change(clientId, change, false);
        }

        private void change(String clientId, UnaryOperator<ClientSighting> change, boolean create) {
            try {
                ClientSighting old = null;
                try (PreparedStatement s = c.prepareStatement("SELECT sighting FROM client_sightings WHERE client_id = ? FOR UPDATE")) {
                    s.setString(1, clientId);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) old = fromJson(JSON.readTree(r.getString(1)));
                    }
                }
                if (old == null && !create) return;
                ClientSighting now = change.apply(old == null ? ClientSighting.none(clientId) : old);
                try (PreparedStatement s = c.prepareStatement("INSERT INTO client_sightings (client_id, sighting) VALUES (?, ?::json)"
                        + " ON CONFLICT (client_id) DO UPDATE SET sighting = excluded.sighting")) {
                    s.setString(1, clientId);
                    s.setString(2, toJson(now).toString());
                    s.executeUpdate();
                }
            } catch (SQLException e) {
                throw new UncheckedIOException(PgDatabase.failure(e));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public List<ClientSighting> all() {
            throw new UnsupportedOperationException("read through PgClientRegistry");
        }
    }

    static ObjectNode toJson(ClientSighting s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("client_id", s.clientId()).put("first_seen", str(s.firstSeen())).put("last_seen", str(s.lastSeen())).put("address", s.address())
                .put("last_upload_at", str(s.lastUploadAt())).put("accepted", s.accepted()).put("rejected", s.rejected())
                .put("duplicate", s.duplicate()).put("last_metrics_at", str(s.lastMetricsAt()));
        n.set("last_metrics", s.lastMetrics());
        if (s.lastRejection() != null) {
            n.putObject("last_rejection").put("at", s.lastRejection().at().toString()).put("status", s.lastRejection().status())
                    .put("error", s.lastRejection().error());
        }
        return n;
    }

    static ClientSighting fromJson(JsonNode n) {
        JsonNode rej = n.get("last_rejection");
        JsonNode metrics = n.get("last_metrics");
        return new ClientSighting(n.path("client_id").asText(), time(n, "first_seen"), time(n, "last_seen"), n.path("address").asText(null),
                time(n, "last_upload_at"), n.path("accepted").asLong(), n.path("rejected").asLong(), n.path("duplicate").asLong(),
                metrics == null || metrics.isNull() ? null : metrics, time(n, "last_metrics_at"),
                rej == null || rej.isNull() ? null : new ClientSighting.Rejection(Instant.parse(rej.path("at").asText()), rej.path("status").asInt(),
                        rej.path("error").asText(null)));
    }

    private static String str(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Instant time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : Instant.parse(v.asText());
    }
}
