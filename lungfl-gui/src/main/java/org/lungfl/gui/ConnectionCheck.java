package org.lungfl.gui;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.client.Failover;
import org.lungfl.client.FlClient;
import org.lungfl.client.StopSignal;
import org.lungfl.core.plan.FederationPlan;

/**
 * "Connect": is a LungFL server there ({@code /health}), does it take this site's token
 * ({@code /plan} needs it), which plan does it run and in which role ({@code /status})? The answer
 * is one line for the indicator; a plan that differs from the plan of the site's imported data or
 * local model is said too, since training or sending under it would be refused.
 */
public final class ConnectionCheck {
    public enum Level { NONE, OK, WARNING, ERROR }

    /**
     * @param plan, status, server null unless a server answered
     * @param mismatch what does not fit the server's plan ("your imported data were ..."), or null
     */
    public record Report(Level level, String words, FederationPlan plan, JsonNode status, URI server, String mismatch) {
        static Report failed(String words) {
            return new Report(Level.ERROR, words, null, null, null, null);
        }
    }

    /**
     * What the site already has, to compare with the server's plan.
     *
     * @param cacheFingerprint preprocessing fingerprint of the imported patients, or null
     * @param localModelFingerprint plan fingerprint of the local model not yet sent, or null
     */
    public record Local(String cacheFingerprint, String localModelFingerprint) {
        public static final Local NOTHING = new Local(null, null);
    }

    private ConnectionCheck() {}

    public static Report run(Connection c, FailoverWatch watch, Local local) {
        watch.reset(c.primary());
        FlClient client = c.client(Failover.ONCE, new StopSignal(), watch, Duration.ofSeconds(20));
        try {
            client.health();
            FederationPlan plan = client.plan();
            JsonNode status = client.checkServerStatus();
            URI server = client.server();
            List<String> problems = new ArrayList<>();
            if (local.cacheFingerprint() != null && !local.cacheFingerprint().equals(plan.preprocessFingerprint())) {
                problems.add("your imported data were preprocessed under another plan (import them again)");
            }
            if (local.localModelFingerprint() != null && !local.localModelFingerprint().equals(plan.fingerprint())) {
                problems.add("your local model was trained under another plan (train again before sending)");
            }
            boolean onBackup = !server.equals(c.primary());
            String mismatch = problems.isEmpty() ? null : "plan mismatch: " + String.join("; ", problems);
            String words = "connected to " + where(status, server, onBackup) + ", plan " + plan.name()
                    + (onBackup && watch.why() != null ? "; " + watch.why() : "") + (mismatch == null ? "" : "; " + mismatch);
            Level level = mismatch == null && !onBackup && "active".equals(status.path("state").asText("active")) ? Level.OK : Level.WARNING;
            return new Report(level, words, plan, status, server, mismatch);
        } catch (RuntimeException e) {
            return Report.failed(ErrorWords.of(e));
        }
    }

    /** "primary", "backup http://b:5000 (active: the primary is down)", as the server describes itself. */
    static String where(JsonNode status, URI server, boolean notTheFirst) {
        String role = status.path("role").asText("primary");
        String state = status.path("state").asText("active");
        String name = notTheFirst ? role + " " + server : role;
        return switch (role + "/" + state) {
            case "primary/active" -> name;
            case "backup/active" -> name + " (active: it took over from the primary)";
            case "backup/standby" -> name + " (standing by: it takes no uploads while the primary is up)";
            default -> name + " (" + state.replace('_', ' ') + ")";
        };
    }
}
