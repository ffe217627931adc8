package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Screening records in the {@code screening} table: every replica screens against the same norms. */
final class PgScreeningRecords implements ScreeningRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PostgresStore store;

    PgScreeningRecords(PostgresStore store) {
        this.store = store;
    }

    @Override
    public List<Double> passedNorms(long afterGlobalVersion) throws IOException {
        return store.db().tx(tx -> {
            List<Double> out = new ArrayList<>();
            try (PreparedStatement s = tx.c.prepareStatement("SELECT delta_norm FROM screening WHERE decision = 'pass' AND global_version > ?"
                    + " ORDER BY id")) {
                s.setLong(1, afterGlobalVersion);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(r.getDouble(1));
                }
            }
            return out;
        });
    }

    @Override
    public void passed(ObjectNode event, long globalVersion, double norm) throws IOException {
        store.db().tx(false, tx -> {
            insert(tx, event, globalVersion, "pass", norm, null);
            store.appendAudit(tx, event);
            return null;
        });
    }

    @Override
    public void rejected(ObjectNode event) {
        store.audit(event, false);
    }

    @Override
    public JsonNode quarantined(String clientId, String updateId) throws IOException {
        return store.db().tx(tx -> {
            try (PreparedStatement s = tx.c.prepareStatement("SELECT event FROM screening WHERE decision = 'quarantine' AND client_id = ?"
                    + " AND update_id = ?")) {
                s.setString(1, clientId);
                s.setString(2, updateId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? JSON.readTree(r.getString(1)) : null;
                }
            }
        });
    }

    @Override
    public void quarantine(ObjectNode event, UpdateValidator.Update u, Path body) throws IOException {
        store.db().tx(tx -> {
            PgBlobs.Written blob;
            try (InputStream in = Files.newInputStream(body)) {
                blob = PgBlobs.write(tx.c, in);
            }
            // Two replicas quarantining the same retry at once: one row, the other's insert does nothing.
            if (insert(tx, event, event.path("global_version").asLong(), "quarantine", event.path("delta_norm").asDouble(), blob.id()) == 0) {
                PgBlobs.delete(tx.c, blob.id());
                return null;
            }
            store.appendAudit(tx, event);
            return null;
        });
    }

    private static int insert(PgDatabase.Tx tx, ObjectNode event, long globalVersion, String decision, double norm, Long blob)
            throws java.sql.SQLException {
        try (PreparedStatement s = tx.c.prepareStatement("INSERT INTO screening (client_id, update_id, global_version, decision, delta_norm,"
                + " event, blob_id) VALUES (?, ?, ?, ?, ?, ?::json, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, event.path("client_id").asText());
            s.setString(2, event.path("update_id").asText());
            s.setLong(3, globalVersion);
            s.setString(4, decision);
            s.setDouble(5, norm);
            s.setString(6, event.toString());
            if (blob == null) s.setNull(7, java.sql.Types.BIGINT);
            else s.setLong(7, blob);
            return s.executeUpdate();
        }
    }

    @Override
    public List<JsonNode> quarantinedAll() throws IOException {
        return store.db().tx(tx -> {
            List<JsonNode> out = new ArrayList<>();
            try (PreparedStatement s = tx.c.prepareStatement("SELECT event FROM screening WHERE decision = 'quarantine' ORDER BY id");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) out.add(JSON.readTree(r.getString(1)));
            }
            return out;
        });
    }
}
