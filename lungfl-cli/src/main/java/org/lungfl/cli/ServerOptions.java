package org.lungfl.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.client.ClientTls;
import org.lungfl.client.Failover;
import org.lungfl.client.FlClient;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import picocli.CommandLine.Option;

/** How a client reaches the federation: servers (primary, backups), token, pinned CA, site id. */
final class ServerOptions {
    @Option(names = "--server", paramLabel = "URL", description = "The primary server, e.g. https://fl.example.org:5000.")
    URI server;

    @Option(names = "--backup", paramLabel = "URL", description = "A backup server, tried in order when the primary does not answer (repeatable).")
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
        if (tokenFile == null) return token;
        try {
            String t = Files.readString(tokenFile).strip();
            if (t.isEmpty()) throw new UserFacingException(tokenFile + ": the token file is empty (--token-file)");
            return t;
        } catch (IOException e) {
            throw new UserFacingException(tokenFile + ": cannot read the token file (--token-file): " + e.getMessage(), e);
        }
    }

    String clientId() {
        if (clientId != null) return clientId;
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "site";
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-");
        return id.isEmpty() || !Character.isLetterOrDigit(id.charAt(0)) ? "site-" + id : id;
    }
}
