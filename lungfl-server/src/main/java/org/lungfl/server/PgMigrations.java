package org.lungfl.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.lungfl.core.UserFacingException;
import org.slf4j.LoggerFactory;

/**
 * The database schema, versioned in the jar as numbered SQL files ({@code postgres/V001__*.sql}, ...).
 * Every start applies the ones the database lacks, all in one transaction under an advisory lock:
 * PostgreSQL's DDL is transactional, so a schema is either wholly at the new version or untouched,
 * and replicas starting at once wait for the first instead of racing it. The applied versions are
 * in {@code lungfl_schema}. A database at a newer version than this server knows is refused (an
 * older LungFL must not write into a newer schema). Forward only: no file is ever edited once released.
 *
 * <p>Numbered files rather than Flyway: the project needs forward-only, transactional migrations of
 * one schema, which is twenty lines here; Flyway 13 would add several MB of jars to the server and
 * its start-up scanning for the same result.
 */
final class PgMigrations {
    /** In order; a jar cannot list a directory, so every file is named here. */
    static final List<String> FILES = List.of("V001__federation.sql");

    private PgMigrations() {}

    static int latest() {
        return FILES.size();
    }

    /** Brings the schema to {@link #latest()}; returns how many migrations were applied. */
    static int apply(PgDatabase db) throws IOException {
        return db.tx(tx -> {
            tx.lock(PgDatabase.MIGRATE_LOCK);
            tx.exec("CREATE TABLE IF NOT EXISTS lungfl_schema (version int PRIMARY KEY, name text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now())");
            int current;
            try (PreparedStatement s = tx.c.prepareStatement("SELECT coalesce(max(version), 0) FROM lungfl_schema");
                    ResultSet r = s.executeQuery()) {
                r.next();
                current = r.getInt(1);
            }
            if (current > latest()) {
                throw new UserFacingException(db.where() + " has LungFL schema version " + current + ", newer than this server's "
                        + latest() + ": run the newer LungFL (or restore a backup taken before the upgrade)");
            }
            for (int v = current + 1; v <= latest(); v++) {
                String name = FILES.get(v - 1);
                tx.exec(read(name));
                try (PreparedStatement s = tx.c.prepareStatement("INSERT INTO lungfl_schema (version, name) VALUES (?, ?)")) {
                    s.setInt(1, v);
                    s.setString(2, name);
                    s.executeUpdate();
                }
                LoggerFactory.getLogger(PgMigrations.class).info("{}: schema migration {} applied", db.where(), name);
            }
            return latest() - current;
        });
    }

    private static String read(String name) throws IOException {
        try (InputStream in = PgMigrations.class.getResourceAsStream("postgres/" + name)) {
            if (in == null) throw new IOException("the server jar lacks the migration " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
