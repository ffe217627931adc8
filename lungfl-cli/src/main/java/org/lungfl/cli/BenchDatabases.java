package org.lungfl.cli;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.lungfl.core.UserFacingException;

/** Throw-away databases for {@code bench server --store}: one per setup, next to the one the URL names, dropped afterwards. */
final class BenchDatabases {
    private BenchDatabases() {}

    /** The same server and options, another database. */
    static String url(String store, String database) {
        URI u = URI.create(store);
        return u.getScheme() + "://" + u.getRawAuthority() + "/" + database + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    static void create(String store, String database) {
        sql(store, "CREATE DATABASE " + database);
    }

    static void drop(String store, String database) {
        sql(store, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    private static void sql(String store, String statement) {
        // The server's own URL parsing (password from password_file, PGPASSWORD or ~/.pgpass) through a tiny public door.
        String[] jdbc = org.lungfl.server.StoreTokens.jdbc(store);
        try (Connection c = DriverManager.getConnection(jdbc[0], jdbc[1], jdbc[2]); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new UserFacingException("bench: " + statement + " failed on " + jdbc[0] + " (" + e.getMessage() + "); the --store user needs CREATEDB");
        }
    }
}
