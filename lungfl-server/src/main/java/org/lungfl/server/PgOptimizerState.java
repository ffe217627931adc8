package org.lungfl.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lungfl.core.aggregation.ServerState;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.SafeTensorsFile;
import org.slf4j.LoggerFactory;

/**
 * A server optimiser's state (FedAdam's and FedYogi's moments) in {@code optimizer_state}, one blob
 * per version and slot, read and written a slice at a time within the round's transaction: it is
 * committed with its version or not at all. State older than the two newest versions is deleted.
 */
final class PgOptimizerState implements ServerState {
    private final PostgresStore store;
    private final List<TensorSpec> layout;

    PgOptimizerState(PostgresStore store, List<TensorSpec> layout) {
        this.store = store;
        this.layout = List.copyOf(layout);
    }

    @Override
    public Round open(long fromVersion, long toVersion, List<String> slots) {
        try {
            return new Open(store.roundConnection(), fromVersion, toVersion, slots);
        } catch (SQLException e) {
            throw new UncheckedIOException(PgDatabase.failure(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Open implements Round {
        private final Connection c;
        private final long toVersion;
        private final Map<String, SafeTensorsFile> readers = new HashMap<>();
        private final Map<String, Set<String>> readable = new HashMap<>();
        private final Map<String, PgBlobs.Writer> blobs = new LinkedHashMap<>();
        private final Map<String, SafeTensorsFile.Writer> writers = new HashMap<>();
        private final ByteBuffer scratch = ByteBuffer.allocate(StreamingAggregation.SLICE * 4);

        Open(Connection c, long fromVersion, long toVersion, List<String> slots) throws SQLException, IOException {
            this.c = c;
            this.toVersion = toVersion;
            boolean missing = false;
            for (String slot : slots) {
                Long blob = null;
                try (PreparedStatement s = c.prepareStatement("SELECT blob_id FROM optimizer_state WHERE version = ? AND slot = ?")) {
                    s.setLong(1, fromVersion);
                    s.setString(2, slot);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) blob = r.getLong(1);
                    }
                }
                if (blob != null) {
                    SafeTensorsFile f = SafeTensorsFile.open("optimizer state " + slot + " of version " + fromVersion, new PgBlobs.Reader(c, blob),
                            SafeTensors.Limits.DEFAULT);
                    readers.put(slot, f);
                    Set<String> names = new HashSet<>();
                    for (TensorSpec t : f.layout()) names.add(t.name());
                    readable.put(slot, names);
                } else {
                    missing = true;
                }
                PgBlobs.Writer w = new PgBlobs.Writer(c);
                blobs.put(slot, w);
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("version", Long.toString(toVersion));
                meta.put("slot", slot);
                writers.put(slot, SafeTensorsFile.writer(w, layout, meta));
            }
            if (missing && fromVersion > 0) {
                LoggerFactory.getLogger("org.lungfl.server.aggregation").warn("no optimizer state kept with version {}: the moments start from zero",
                        fromVersion);
            }
        }

        @Override
        public void read(String slot, String tensor, long from, float[] dst, int n) {
            SafeTensorsFile f = readers.get(slot);
            // No state yet, or state from before the plan switched FedBN on or off: start from zero.
            if (f == null || !readable.get(slot).contains(tensor)) {
                java.util.Arrays.fill(dst, 0, n, 0f);
                return;
            }
            f.readFloats(tensor, from, dst, n, scratch);
        }

        @Override
        public void write(String slot, String tensor, long from, float[] src, int n) {
            try {
                writers.get(slot).floats(src, n);
            } catch (IOException e) {
                throw new UncheckedIOException("optimizer state " + slot + " for version " + toVersion, e);
            }
        }

        /** Within the round's transaction: the state counts once the version commits. */
        @Override
        public void commit() {
            try {
                for (Map.Entry<String, PgBlobs.Writer> e : blobs.entrySet()) {
                    writers.get(e.getKey()).finish();
                    PgBlobs.Written w = e.getValue().finish();
                    e.getValue().close();
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO optimizer_state (version, slot, blob_id) VALUES (?, ?, ?)"
                            + " ON CONFLICT (version, slot) DO UPDATE SET blob_id = excluded.blob_id")) {
                        s.setLong(1, toVersion);
                        s.setString(2, e.getKey());
                        s.setLong(3, w.id());
                        s.executeUpdate();
                    }
                }
                for (SafeTensorsFile f : readers.values()) f.close();
                try (PreparedStatement s = c.prepareStatement("WITH gone AS (DELETE FROM optimizer_state WHERE version < ? RETURNING blob_id)"
                        + " DELETE FROM blobs WHERE id IN (SELECT blob_id FROM gone)")) {
                    s.setLong(1, toVersion - 1);
                    s.executeUpdate();
                }
            } catch (SQLException e) {
                throw new UncheckedIOException(PgDatabase.failure(e));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
