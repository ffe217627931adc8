package org.lungfl.server;

import java.io.IOException;
import java.nio.file.Path;
import org.lungfl.core.UserFacingException;

/** The tokens of a federation, for {@code lungfl server token ...}: the data dir's {@code tokens.json}, or the {@code --store} database's. */
public final class StoreTokens {
    private StoreTokens() {}

    /** {JDBC URL, user, password} of a {@code postgresql://} store URL, for tools beside the server (the benchmark's scratch databases). */
    public static String[] jdbc(String store) {
        StoreUrl u = StoreUrl.parse(store, System.getenv());
        return new String[] {u.jdbcUrl(), u.user(), u.password() == null ? "" : u.password()};
    }

    /** @param store null for the data dir, else a {@code postgresql://} URL */
    public static Tokens open(String store, Path dataDir) {
        if (store == null) return new TokenStore(dataDir);
        return PgTokens.open(store);
    }
}
