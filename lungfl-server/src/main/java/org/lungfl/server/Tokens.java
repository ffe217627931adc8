package org.lungfl.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.lungfl.core.UserFacingException;

/**
 * Bearer tokens: only SHA-256 hashes are stored (a token is 256 random bits, so a fast hash is
 * enough). Kept by the federation's store: {@link TokenStore} in a data dir, a table in PostgreSQL.
 * A change takes effect on every running server at once.
 */
public interface Tokens {
    Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** One stored token: who it belongs to and whether it may use the admin endpoints. */
    record Entry(@JsonProperty("name") String name, @JsonProperty("sha256") String sha256,
            @JsonProperty("admin") boolean admin, @JsonProperty("created_at") String createdAt) {}

    /** Who a valid token belongs to. */
    record Principal(String name, boolean admin) {}

    /** The stored tokens; a token store that cannot be read is an error here (the CLI reports it). */
    List<Entry> list();

    /** Creates a token for {@code name} and returns it: the only time it is ever visible. */
    String add(String name, boolean admin);

    /** Returns whether a token of that name existed. */
    boolean revoke(String name);

    Optional<Principal> authenticate(String token);

    /** Why the tokens cannot be read (every token is refused meanwhile), or null. */
    String problem();

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new UserFacingException("token name '" + name + "': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** A new random token. */
    static String generate() {
        byte[] raw = new byte[32];
        Holder.RANDOM.nextBytes(raw);
        return "lfl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** Compares every entry in constant time so timing says nothing about which one matched. */
    static Optional<Principal> match(List<Entry> entries, String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        byte[] presented = sha256(token).getBytes(StandardCharsets.US_ASCII);
        Principal found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(presented, e.sha256().getBytes(StandardCharsets.US_ASCII))) found = new Principal(e.name(), e.admin());
        }
        return Optional.ofNullable(found);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lazily created: SecureRandom's seeding is not on the server's start path. */
    final class Holder {
        static final SecureRandom RANDOM = new SecureRandom();

        private Holder() {}
    }
}
