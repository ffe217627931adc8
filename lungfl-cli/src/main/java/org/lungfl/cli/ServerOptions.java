package org.lungfl.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.client.ClientTls;
import org.lungfl.client.Failover;
import org.lungfl.client.FlClient;
import org.lungfl.client.ServerAddress;
import org.lungfl.client.SiteIdentity;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How a client reaches the federation: servers (primary, backups), token, pinned CA, site id. */
final class ServerOptions {
    @Option(names = "--server", paramLabel = "URL", converter = AddressConverter.class,
            description = "The primary server: a host, host:port or URL (http and port 5000 unless given), "
                    + "e.g. 192.168.1.100 or https://fl.example.org:5000.")
    URI server;

    @Option(names = "--backup", paramLabel = "URL", converter = AddressConverter.class,
            description = "A backup server (same forms), tried in order when the primary does not answer (repeatable).")
    List<URI> backups = new ArrayList<>();

    @Option(names = "--token", paramLabel = "T", description = "This site's bearer token (prefer --token-file: a command line is visible to other users).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding this site's bearer token.")
    Path tokenFile;

    @Option(names = "--ca", paramLabel = "PEM", description = "Trust only this CA certificate (or the server's self-signed one) for https.")
    Path ca;

    @Option(names = "--client-id", paramLabel = "ID", description = "This site's id; with tokens, the token's name (default: the host name).")
    String clientId;

    FlClient connect(Failover failover, StopSignal stop) {
        if (server == null) throw new UserFacingException("give the server: --server URL");
        List<URI> all = new ArrayList<>();
        all.add(server);
        all.addAll(backups);
        return new FlClient(all, token(), clientId(), ca == null ? null : ClientTls.trusting(ca), Duration.ofMinutes(5), failover, stop);
    }

    String token() {
        if (token != null && tokenFile != null) throw new UserFacingException("give either --token or --token-file, not both");
        return tokenFile == null ? token : SiteIdentity.readToken(tokenFile);
    }

    String clientId() {
        return clientId != null ? clientId : SiteIdentity.defaultClientId();
    }

    /** Every form {@link ServerAddress} reads; anything else is a usage error naming the value. */
    static final class AddressConverter implements CommandLine.ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                return ServerAddress.parse(value);
            } catch (UserFacingException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
