package org.lungfl.gui;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The server's {@code /status} as the Server page shows it: the queue as "7 / 10", clients seen,
 * the global model's version and time, the server's role in words, the queued updates and the
 * federation's latest validation. Pure: the page only copies these strings into its labels.
 */
public record StatusView(int queueSize, int capacity, String queue, String clients, String globalModel, String role, String validation,
        List<QueuedRow> queued) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** One queued update: site, samples, base version, when it arrived (local time), from which address. */
    public record QueuedRow(String clientId, long samples, long baseVersion, String receivedAt, String address) {}

    public static StatusView of(JsonNode s, ZoneId zone) {
        int size = s.path("queue_size").asInt(), capacity = s.path("capacity").asInt();
        // Other sites are the coordinator's to see (docs/security.md): a site's token gets no count.
        String clients = !s.path("connected_clients").isNumber() ? "shown to the coordinator only"
                : s.path("connected_clients").asInt() + (s.path("connected_clients").asInt() == 1 ? " site" : " sites") + " seen in the last 10 minutes";
        String version = !s.path("global_model_available").asBoolean(true) ? "none yet"
                : "version " + s.path("global_version").asLong() + (s.path("last_aggregation_at").isTextual()
                        ? ", made " + time(s.path("last_aggregation_at").asText(), zone) : ", the plan's initial model");
        List<QueuedRow> rows = new ArrayList<>();
        for (JsonNode q : s.path("queued_clients")) {
            rows.add(new QueuedRow(q.path("client_id").asText("?"), q.path("num_samples").asLong(), q.path("base_version").asLong(),
                    time(q.path("received_at").asText(""), zone), q.path("address").asText("")));
        }
        return new StatusView(size, capacity, size + " / " + capacity, clients, version, role(s), validation(s.path("validation")),
                List.copyOf(rows));
    }

    /** "primary", "backup, standing by", "backup, active (the primary is down)", with the rest of the picture. */
    static String role(JsonNode s) {
        String role = s.path("role").asText("primary"), state = s.path("state").asText("active");
        String words = switch (role + "/" + state) {
            case "primary/active" -> "primary";
            case "primary/catching_up" -> "primary, catching up from its backup (uploads wait)";
            case "backup/standby" -> "backup, standing by (it takes over when its primary stays unreachable)";
            case "backup/active" -> "backup, active: it took over from the primary";
            case "backup/catching_up" -> "backup, catching up";
            default -> role + ", " + state.replace('_', ' ');
        };
        if ("split_brain".equals(state)) words += ": primary and backup disagree; the operator must resolve it";
        JsonNode peer = s.path("peer");
        if (peer.isObject() && peer.has("healthy") && !peer.path("healthy").asBoolean(true)) {
            words += "; its " + ("backup".equals(role) ? "primary" : "backup") + " does not answer";
        }
        if (!s.path("accepting_uploads").asBoolean(true) && !"standby".equals(state) && !words.contains("uploads")) words += "; not taking uploads now";
        return words;
    }

    static String validation(JsonNode v) {
        if (!v.isObject()) return "no site has reported validation yet";
        JsonNode m = v.path("metrics");
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "version %d: %d site%s, %d patients", v.path("version").asLong(),
                v.path("reporting").asInt(), v.path("reporting").asInt() == 1 ? "" : "s", v.path("samples").asLong()));
        if (m.path("val_auc").isNumber()) b.append(String.format(Locale.ROOT, ", AUC %.3f", m.path("val_auc").asDouble()));
        if (m.path("val_accuracy").isNumber()) b.append(String.format(Locale.ROOT, ", accuracy %.3f", m.path("val_accuracy").asDouble()));
        return b.toString();
    }

    static String time(String iso, ZoneId zone) {
        try {
            return TIME.format(Instant.parse(iso).atZone(zone));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }
}
