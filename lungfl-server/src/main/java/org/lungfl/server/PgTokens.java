package org.lungfl.server;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lungfl.core.UserFacingException;

/**
 * Tokens in the {@code tokens} table, shared by every replica. A request is checked against a copy
 * read at most a second ago (one query a second, not one per request); a token added or revoked
 * through this server takes effect at once, through another replica within a second.
 */
final class PgTokens implements Tokens {
    private static final long FRESH_NANOS = 1_000_000_000L;

    private final PgDatabase db;
    private volatile List<Entry> cached;
    private volatile long readAt;

    PgTokens(PgDatabase db) {
        this.db = db;
    }

    /** The tokens of the database at {@code url}, its schema brought up to date first (a token may be added before any server ran). */
    static PgTokens open(String url) {
        PgDatabase db = new PgDatabase(StoreUrl.parse(url, System.getenv()));
        try {
            PgMigrations.apply(db);
        } catch (IOException | RuntimeException e) {
            db.close();
            if (e instanceof ApiException a) throw new UserFacingException("cannot reach " + db.where() + ": " + a.detail(), e);
            throw new UserFacingException(db.where() + ": " + e.getMessage(), e);
        }
        return new PgTokens(db);
    }

    @Override
    public List<Entry> list() {
        try {
            List<Entry> all = db.tx(tx -> {
                List<Entry> out = new ArrayList<>();
                try (PreparedStatement s = tx.c.prepareStatement("SELECT name, sha256, admin, created_at FROM tokens ORDER BY name");
                        ResultSet r = s.executeQuery()) {
                    while (r.next()) out.add(new Entry(r.getString(1), r.getString(2), r.getBoolean(3), r.getString(4)));
                }
                return out;
            });
            cached = List.copyOf(all);
            readAt = System.nanoTime();
            return cached;
        } catch (IOException e) {
            throw new UserFacingException(db.where() + ": cannot read the tokens: " + e.getMessage(), e);
        }
    }

    @Override
    public String add(String name, boolean admin) {
        Tokens.checkName(name);
        String token = Tokens.generate();
        try {
            db.tx(tx -> {
                try (PreparedStatement s = tx.c.prepareStatement("INSERT INTO tokens (name, sha256, admin, created_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (name) DO NOTHING")) {
                    s.setString(1, name);
                    s.setString(2, Tokens.sha256(token));
                    s.setBoolean(3, admin);
                    s.setString(4, Instant.now().toString());
                    if (s.executeUpdate() == 0) {
                        throw new UserFacingException("a token named '" + name + "' exists already; revoke it first to replace it");
                    }
                }
                return null;
            });
        } catch (IOException e) {
            throw new UserFacingException(db.where() + ": cannot add the token: " + e.getMessage(), e);
        }
        readAt = 0;
        return token;
    }

    @Override
    public boolean revoke(String name) {
        try {
            boolean existed = db.tx(tx -> {
                try (PreparedStatement s = tx.c.prepareStatement("DELETE FROM tokens WHERE name = ?")) {
                    s.setString(1, name);
                    return s.executeUpdate() > 0;
                }
            });
            readAt = 0;
            return existed;
        } catch (IOException e) {
            throw new UserFacingException(db.where() + ": cannot revoke the token: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        List<Entry> now = cached;
        if (now == null || System.nanoTime() - readAt > FRESH_NANOS) now = list();
        return Tokens.match(now, token);
    }

    @Override
    public String problem() {
        return null;
    }
}
