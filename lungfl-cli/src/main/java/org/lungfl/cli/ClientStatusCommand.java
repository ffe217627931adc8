package org.lungfl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.client.Failover;
import org.lungfl.client.StopSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Ask the server (or the first backup that answers) how the federation is doing.")
final class ClientStatusCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ServerOptions servers;

    @Option(names = "--json", description = "Print the server's /status JSON as it is.")
    boolean json;

    @Override
    public Integer call() {
        var client = servers.connect(Failover.ONCE, new StopSignal());
        JsonNode s = client.checkServerStatus();
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(s.toPrettyString());
        } else {
            w.printf("server %s (%s, auth %s)%n", client.server(), s.path("role").asText("?"), s.path("auth").asText("?"));
            w.printf("global version %d, %d round(s) completed, last at %s%n", s.path("global_version").asLong(),
                    s.path("rounds_completed").asLong(), s.path("last_aggregation_at").asText("never"));
            // A site's token sees the queue's size and its own entries; who else is connected is the coordinator's to see.
            w.printf("queue %d/%d%s%n", s.path("queue_size").asInt(), s.path("capacity").asInt(), s.has("connected_clients")
                    ? ", " + s.path("connected_clients").asInt() + " client(s) seen in the last 10 minutes" : "");
            for (JsonNode q : s.path("queued_clients")) {
                w.printf("  queued: %s, %d samples, base version %d, at %s%n", q.path("client_id").asText(), q.path("num_samples").asLong(),
                        q.path("base_version").asLong(), q.path("received_at").asText());
            }
            JsonNode v = s.path("validation");
            if (v.isObject()) {
                JsonNode m = v.path("metrics");
                w.printf(Locale.ROOT, "validation of version %d (%d site(s), %d samples, sample-weighted): AUC %s, accuracy %s, log loss %s%n",
                        v.path("version").asLong(), v.path("reporting").asInt(), v.path("samples").asLong(), fmt(m.path("val_auc")),
                        fmt(m.path("val_accuracy")), fmt(m.path("val_log_loss")));
            }
        }
        w.flush();
        return 0;
    }

    private static String fmt(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.3f", n.asDouble()) : "n/a";
    }
}
