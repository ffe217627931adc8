package org.lungfl.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.lungfl.core.plan.FederationPlan;

/**
 * The store the server tests run against: the data dir (default), or with
 * {@code -Dlungfl.test.store=postgresql} a fresh database of {@link PgCluster} per test directory
 * (so a test that restarts its server finds its federation again). The same tests then show that
 * both stores behave the same; where a test looks at the state itself, it asks through here.
 */
final class TestStores {
    static final boolean POSTGRES = "postgresql".equals(System.getProperty("lungfl.test.store"));
    private static final Map<Path, String> DATABASES = new ConcurrentHashMap<>();
    private static final Map<Path, Tokens> TOKENS = new ConcurrentHashMap<>();

    private TestStores() {}

    /** {@code ServerConfig.defaults(dir, plan)} on the store under test. */
    static ServerConfig config(Path dir, FederationPlan plan) {
        ServerConfig c = ServerConfig.defaults(dir, plan);
        return POSTGRES ? c.withStore(database(dir)) : c;
    }

    /** The database of a test directory: created on first use; the test is skipped, saying why, where PostgreSQL cannot run. */
    static String database(Path dir) {
        return DATABASES.computeIfAbsent(dir.toAbsolutePath(), d -> {
            PgCluster pg = PgCluster.get();
            assumeTrue(pg != null, () -> "PostgreSQL tests skipped: " + PgCluster.whyNot());
            try {
                return pg.newDatabase();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The tokens of the federation in {@code dir} (as {@code lungfl server token add} sees them). */
    static Tokens tokens(Path dir) {
        if (!POSTGRES) return new TokenStore(dir);
        return TOKENS.computeIfAbsent(dir.toAbsolutePath(), d -> StoreTokens.open(database(dir), dir));
    }

    /** The audit log of the federation in {@code dir} as text, one event a line, as in {@code audit.jsonl} (running or not). */
    static String auditText(Path dir) throws IOException {
        if (!POSTGRES) return java.nio.file.Files.readString(dir.resolve(AuditLog.FILE));
        StringBuilder b = new StringBuilder();
        String url = database(dir);
        StoreUrl u = StoreUrl.parse(url, Map.of());
        try (var c = java.sql.DriverManager.getConnection(u.jdbcUrl(), u.user(), "");
                var st = c.createStatement(); var r = st.executeQuery("SELECT event FROM audit ORDER BY id")) {
            while (r.next()) b.append(r.getString(1)).append('\n');
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
        return b.toString();
    }

    /** The audit lines of the federation in {@code dir}, oldest first. */
    static List<String> auditLines(Path dir) throws IOException {
        return auditText(dir).lines().toList();
    }

    /** The audit events of the federation in {@code dir}, oldest first. */
    static List<JsonNode> audit(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : auditLines(dir)) out.add(JSON.readTree(line));
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
