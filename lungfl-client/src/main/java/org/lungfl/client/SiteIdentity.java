package org.lungfl.client;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lungfl.core.UserFacingException;

/** Who a site is to the server: its token, read from the token file, and its client id. */
public final class SiteIdentity {
    private SiteIdentity() {}

    /** The bearer token in {@code file} (surrounding white space dropped); the file is the only place it is kept. */
    public static String readToken(Path file) {
        try {
            String t = Files.readString(file).strip();
            if (t.isEmpty()) throw new UserFacingException(file + ": the token file is empty");
            if (t.chars().anyMatch(Character::isWhitespace)) {
                throw new UserFacingException(file + ": the token file holds more than one word; it must hold the token alone");
            }
            return t;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserFacingException(file + ": no such token file", e);
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot read the token file: " + e.getMessage(), e);
        }
    }

    /** The host name made into a valid client id; the id a site has when none is given. */
    public static String defaultClientId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "site";
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-");
        return id.isEmpty() || !Character.isLetterOrDigit(id.charAt(0)) ? "site-" + id : id;
    }
}
