package org.lungfl.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.Closeable;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool to the federation's database and the one way PostgresStore runs SQL: a
 * transaction that commits (synchronously, unless told otherwise) before the result is used, or
 * rolls back. A database that cannot be reached, or that is restarting or failing over, becomes a
 * 503 {@code store_unavailable} with {@code Retry-After}: the client retries, on this server or
 * another, and its update id makes the retry safe. The pool opens fresh connections after a
 * failover by itself.
 */
final class PgDatabase implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(PgDatabase.class);

    /** Advisory lock keys (one 64-bit space for LungFL): schema changes, first start, one round at a time, pruning, audit order. */
    static final long MIGRATE_LOCK = 0x4c75_6e67_464c_0001L, INIT_LOCK = 0x4c75_6e67_464c_0002L, ROUND_LOCK = 0x4c75_6e67_464c_0003L,
            PRUNE_LOCK = 0x4c75_6e67_464c_0004L, AUDIT_LOCK = 0x4c75_6e67_464c_0005L;
    /** The first key of the two-key form, whose second key is a client id's hash: one upload per client at a time. */
    static final int CLIENT_LOCK_SPACE = 0x4c46_0001;

    /** Work in a transaction. */
    interface Work<T> {
        T run(Tx tx) throws SQLException, IOException;
    }

    /** A transaction in progress: its connection, and whether it must roll back although it returns a result. */
    static final class Tx {
        final Connection c;
        private boolean rollbackOnly;

        Tx(Connection c) {
            this.c = c;
        }

        void rollbackOnly() {
            rollbackOnly = true;
        }

        void exec(String sql) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }

        /** An advisory lock held until this transaction ends. */
        void lock(long key) throws SQLException {
            exec("SELECT pg_advisory_xact_lock(" + key + ")");
        }

        void lockShared(long key) throws SQLException {
            exec("SELECT pg_advisory_xact_lock_shared(" + key + ")");
        }
    }

    private final HikariDataSource pool;
    private final String where;

    PgDatabase(StoreUrl url) {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(url.jdbcUrl());
        h.setUsername(url.user());
        if (url.password() != null) h.setPassword(url.password());
        h.setDataSourceProperties(url.driver());
        h.addDataSourceProperty("ApplicationName", "lungfl-server");
        // A dead peer of a broken TCP connection is noticed by the kernel, not only at the next query.
        h.addDataSourceProperty("tcpKeepAlive", "true");
        h.setMaximumPoolSize(url.poolSize());
        h.setMinimumIdle(2);
        h.setPoolName("lungfl");
        h.setAutoCommit(false);
        // Quick to say the database is down (503, retry) rather than holding a client for 30 s.
        h.setConnectionTimeout(5_000);
        h.setValidationTimeout(2_000);
        // Start even while the database is down: requests get 503 until it is back.
        h.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(h);
        this.where = url.describe();
    }

    String where() {
        return where;
    }

    <T> T tx(Work<T> work) throws IOException {
        return tx(true, work);
    }

    /** @param durable false: the commit does not wait for the WAL flush (audit events that acknowledge nothing) */
    <T> T tx(boolean durable, Work<T> work) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                Tx tx = new Tx(c);
                try {
                    if (!durable) tx.exec("SET LOCAL synchronous_commit TO OFF");
                    T result = work.run(tx);
                    if (tx.rollbackOnly) c.rollback();
                    else c.commit();
                    return result;
                } catch (SQLException | IOException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException gone) {
                        // the connection is broken: the pool replaces it
                    }
                    throw e;
                }
            } catch (SQLException e) {
                // Two transactions waited on each other (the database aborted one): run it again.
                if (attempt < 5 && ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()))) continue;
                throw failure(e);
            }
        }
    }

    /** A connection of its own, for a round that spans a long transaction: the caller commits or rolls back and closes it. */
    Connection connection() throws IOException {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * What a failed statement means to the server: the database is away (thrown here at once, as the
     * 503 the client retries on), or something else went wrong (returned, for the caller to throw).
     */
    static IOException failure(SQLException e) {
        if (unavailable(e)) {
            throw new ApiException(503, "store_unavailable", "the federation's database is not reachable (" + e.getClass().getSimpleName()
                    + (e.getSQLState() == null ? "" : " " + e.getSQLState()) + "); retry shortly", 2);
        }
        return new IOException("database: " + e.getMessage(), e);
    }

    /** Connection lost or refused, the server shutting down or starting, a read-only standby: all pass with time. */
    static boolean unavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) return true;
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String st = s.getSQLState();
                if (st.startsWith("08") || st.equals("57P01") || st.equals("57P02") || st.equals("57P03") || st.equals("25006")
                        || st.equals("53300")) {
                    return true;
                }
            }
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException) return true;
        }
        return false;
    }

    @Override
    public void close() {
        pool.close();
        LOG.debug("connections to {} closed", where);
    }
}
