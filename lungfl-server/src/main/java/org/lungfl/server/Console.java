package org.lungfl.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The operator's console on stdin: execute, status, clear (confirmed), clients, history, help,
 * quit. A closed or absent stdin simply ends the console; the server keeps running.
 */
final class Console implements Runnable {
    private final LungflServer server;
    private final AggregationService service;
    private final InputStream in;
    private final PrintStream out;

    Console(LungflServer server, InputStream in, PrintStream out) {
        this.server = server;
        this.service = server.service();
        this.in = in;
        this.out = out;
    }

    Thread start() {
        Thread t = new Thread(this, "console");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void run() {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = r.readLine()) != null; ) {
                if (!handle(line.strip(), r)) return;
            }
            out.println("console: stdin closed; the server keeps running (stop it with SIGTERM or POST /api/v1/admin/...)");
        } catch (IOException e) {
            out.println("console: stdin unreadable (" + e.getMessage() + "); the server keeps running");
        }
    }

    /** Returns false after {@code quit}. */
    boolean handle(String command, BufferedReader r) throws IOException {
        switch (command) {
            case "" -> { }
            case "execute" -> {
                Optional<AggregationService.Round> round;
                try {
                    round = service.execute();
                } catch (ApiException refused) {
                    out.println("not aggregated: " + refused.detail());
                    break;
                }
                out.println(round.map(x -> "aggregated " + x.contributors() + " updates into global version " + x.version())
                        .orElse("nothing queued; global version stays " + service.snapshot().globalVersion()));
            }
            case "status" -> out.println(server.api().status().toPrettyString());
            case "clear" -> {
                int n = service.queueSize();
                out.println("discard " + n + " queued update(s)? type 'yes' to confirm:");
                String answer = r.readLine();
                if (answer != null && answer.strip().equals("yes")) out.println("cleared " + service.clear() + " update(s)");
                else out.println("nothing cleared");
            }
            case "clients" -> {
                AggregationService.Snapshot s = service.snapshot();
                out.println(s.queueSize() + " of " + s.capacity() + " queued; " + server.api().connectedClients()
                        + " client(s) seen in the last 10 minutes");
                for (QueuedUpdate u : s.queued()) {
                    out.printf("  %-24s %-16s samples=%-7d base=v%d received %s%n", u.clientId(), u.address(), u.numSamples(),
                            u.baseVersion(), u.receivedAt());
                }
            }
            case "history" -> {
                var rounds = service.history();
                if (rounds.isEmpty()) out.println("no aggregation yet; global version " + service.snapshot().globalVersion());
                for (AggregationService.Round x : rounds) {
                    out.printf("  v%-5d %s  %3d contributors  %8d samples  staleness mean %.2f max %d  %d ms%n", x.version(),
                            x.at(), x.contributors(), x.samples(), x.meanStaleness(), x.maxStaleness(), x.millis());
                }
            }
            case "help" -> out.println("""
                    commands:
                      execute   aggregate whatever is queued now into the next global version
                      status    the server's status (as GET /status)
                      clients   queued updates and recently seen clients
                      history   past aggregations
                      clear     discard the queue (asks for confirmation)
                      quit      stop gracefully: finish requests and any aggregation, then exit""");
            case "quit", "exit" -> {
                out.println("stopping at " + Instant.now() + " ...");
                server.stop();
                return false;
            }
            default -> out.println("unknown command '" + command + "'; type 'help'");
        }
        out.flush();
        return true;
    }
}
