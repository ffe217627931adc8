package org.lungfl.gui;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import org.lungfl.client.FlClientException;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;

/**
 * What went wrong, in words a radiographer can act on: one line, never a stack trace. The library's
 * messages are written for the command line (they name options such as {@code --token-file}); the
 * server's refusals are put here in the window's own terms.
 */
public final class ErrorWords {
    private ErrorWords() {}

    public static String of(Throwable t) {
        if (t instanceof StopSignal.Stopped) return "cancelled";
        if (t instanceof FlClientException e) return server(e);
        if (t instanceof UserFacingException) return oneLine(t.getMessage());
        if (t instanceof OutOfMemoryError) return "out of memory: close other programs or give Java more memory (LUNGFL_JAVA_OPTS=-Xmx8g)";
        String msg = t.getMessage();
        return "internal error (" + t.getClass().getSimpleName() + (msg == null ? "" : ": " + oneLine(msg))
                + "); the details are in the terminal that started the client";
    }

    private static String server(FlClientException e) {
        String detail = detail(e.getMessage());
        return switch (e.status()) {
            case 0 -> switch (e.error()) {
                case "tls" -> "secure connection failed: " + tlsReason(e.getMessage())
                        + "; choose the server's certificate (or its CA) as the CA file";
                case "interrupted" -> "cancelled";
                default -> (e.getMessage().startsWith("no server answered") ? "no server answered (primary and backups): " : "")
                        + "server unreachable: " + unreachableReason(e);
            };
            case 401 -> "token refused: the server does not know this site's token; check the token file or ask the server's operator"
                    + " for a token ('lungfl server token add NAME')";
            case 403 -> "not allowed: " + detail + "; the site id must be the token's name";
            case 409 -> "plan_mismatch".equals(e.error())
                    ? "plan mismatch: " + detail + "; import the data again and train under the server's plan before sending"
                    : "update refused (" + e.error() + "): " + detail;
            case 413 -> "update too large for the server: " + detail;
            case 422 -> "update refused as invalid: " + detail + "; train again (a lower learning rate helps when training diverged)";
            case 503 -> switch (e.error()) {
                case "standby" -> "this server is a standby backup and takes no uploads while the primary is up: " + detail;
                case "catching_up" -> "the primary is catching up from its backup; try again in a moment";
                case "split_brain" -> "primary and backup disagree (split brain); the server's operator must resolve it: " + detail;
                default -> "server unavailable (" + e.error() + "): " + detail;
            };
            default -> "the server answered " + e.status() + " (" + e.error() + ")" + (detail.isEmpty() ? "" : ": " + detail);
        };
    }

    /** "connection refused", "no answer within ...", "unknown host": from the cause the HTTP client gave. */
    static String unreachableReason(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) return "no answer (connection timed out)";
            if (c instanceof HttpTimeoutException) return "no answer in time (request timed out)";
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) return "unknown host name";
            if (c instanceof ConnectException) {
                String m = c.getMessage();
                return m == null || m.isBlank() ? "connection refused" : oneLine(m).toLowerCase(java.util.Locale.ROOT);
            }
        }
        String m = e.getMessage();
        int at = m == null ? -1 : m.lastIndexOf("unreachable: ");
        return at < 0 ? "no answer" : oneLine(m.substring(at + "unreachable: ".length()));
    }

    /** The server's own explanation, without the URL and status the library puts before it or the CLI hints after it. */
    private static String detail(String message) {
        String m = oneLine(message);
        int at = m.indexOf("): ");
        if (at < 0) return m;
        String d = m.substring(at + 3);
        for (String cliHint : new String[] {"; re-import the data", "; ask the operator", "; the local model or sample count", "; use this site's own token"}) {
            int h = d.indexOf(cliHint);
            if (h >= 0) d = d.substring(0, h);
        }
        return d;
    }

    private static String tlsReason(String message) {
        int open = message.indexOf("TLS failed (");
        if (open < 0) return oneLine(message);
        int close = message.indexOf(')', open);
        return close < 0 ? oneLine(message) : message.substring(open + "TLS failed (".length(), close);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }
}
