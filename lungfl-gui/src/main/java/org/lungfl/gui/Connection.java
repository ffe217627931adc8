package org.lungfl.gui;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.lungfl.client.ClientTls;
import org.lungfl.client.Failover;
import org.lungfl.client.FlClient;
import org.lungfl.client.ServerAddress;
import org.lungfl.client.SiteIdentity;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;

/**
 * How this site reaches the federation, as filled in on the Server page: primary and backup
 * servers, the token (read from its file when connecting, kept in memory only), the pinned CA and
 * the site id. Immutable, so a background operation keeps the connection it started with.
 */
public record Connection(List<URI> servers, String token, SSLContext ca, String clientId) {
    /** Failover of the window's own operations: a person is watching, so give up after two minutes. */
    static final Failover ATTENDED = new Failover(Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(1));

    /** From the page's fields; every problem is a {@link UserFacingException} naming the field. */
    public static Connection of(String server, List<String> backups, String tokenFile, String caFile, String clientId) {
        List<URI> all = new ArrayList<>();
        all.add(ServerAddress.parse(server));
        for (String b : backups) if (b != null && !b.isBlank()) all.add(ServerAddress.parse(b));
        String token = tokenFile == null || tokenFile.isBlank() ? null : SiteIdentity.readToken(Path.of(tokenFile.strip()));
        SSLContext ca = caFile == null || caFile.isBlank() ? null : ClientTls.trusting(Path.of(caFile.strip()));
        String id = clientId == null || clientId.isBlank() ? SiteIdentity.defaultClientId() : clientId.strip();
        if (!id.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new UserFacingException("site id '" + id + "': use letters, digits and . _ : - (at most 128)");
        }
        return new Connection(List.copyOf(all), token, ca, id);
    }

    public URI primary() {
        return servers.get(0);
    }

    /** A client over every server, telling {@code watch} about failovers. One per thread (FlClient is not shared). */
    public FlClient client(Failover failover, StopSignal stop, FailoverWatch watch, Duration requestTimeout) {
        FlClient c = new FlClient(servers, token, clientId, ca, requestTimeout, failover, stop);
        return watch == null ? c : c.onServerSwitch(watch::switched);
    }
}
