package org.lungfl.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.lungfl.core.UserFacingException;

/**
 * A server as a person types it: a host ({@code 192.168.1.100}, {@code fl.example.org}),
 * {@code host:port}, or a URL ({@code https://fl.example.org:5000/lungfl}). As in the original
 * tool, the scheme is http and the port 5000 unless given, also in a URL: the one rule holds for
 * every form, so {@code https://fl.example.org} means port 5000 and a server behind a proxy on 443
 * is written {@code https://fl.example.org:443}. IPv6 literals go in brackets ({@code [::1]:5000});
 * a bare {@code ::1} is taken as a host. The CLI's {@code --server}/{@code --backup} and the
 * desktop client's server fields both read addresses through here.
 */
public final class ServerAddress {
    public static final int DEFAULT_PORT = 5000;

    private ServerAddress() {}

    /** The server's base URL (no trailing slash), or a {@link UserFacingException} naming the text and what is wrong. */
    public static URI parse(String text) {
        if (text == null || text.isBlank()) throw new UserFacingException("no server address given: type a host, host:port or URL");
        String s = text.strip();
        if (s.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw refused(text, "it contains a space");
        }
        int sep = s.indexOf("://");
        String scheme = "http";
        if (sep >= 0) {
            scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) throw refused(text, "only http:// and https:// servers exist");
            s = s.substring(sep + 3);
        }
        int slash = s.indexOf('/');
        String authority = slash < 0 ? s : s.substring(0, slash);
        String path = slash < 0 ? "" : s.substring(slash);
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (path.contains("?") || path.contains("#")) throw refused(text, "a server address has no query or fragment");
        if (authority.contains("@")) throw refused(text, "user names in the address are not supported; the token file authenticates");

        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) throw refused(text, "an IPv6 address opened with '[' must close with ']'");
            host = authority.substring(0, close + 1);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) throw refused(text, "expected ':PORT' after the IPv6 address");
                portText = rest.substring(1);
            }
        } else if (authority.indexOf(':') != authority.lastIndexOf(':')) {
            host = "[" + authority + "]"; // a bare IPv6 literal: it cannot carry a port
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty() || host.equals("[]")) throw refused(text, "no host");
        int port = DEFAULT_PORT;
        if (portText != null) {
            if (!portText.matches("[0-9]{1,5}")) throw refused(text, "the port '" + portText + "' is not a number");
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) throw refused(text, "the port " + port + " is outside 1-65535");
        }
        try {
            URI u = new URI(scheme + "://" + host + ":" + port + path);
            if (u.getHost() == null) throw refused(text, "'" + host + "' is not a host name or IP address");
            return u;
        } catch (URISyntaxException e) {
            throw refused(text, "'" + host + "' is not a host name or IP address");
        }
    }

    private static UserFacingException refused(String text, String why) {
        return new UserFacingException("server address '" + text.strip() + "': " + why
                + " (give a host, host:port or URL, e.g. 192.168.1.100, 192.168.1.100:5000 or https://fl.example.org:5000)");
    }
}
