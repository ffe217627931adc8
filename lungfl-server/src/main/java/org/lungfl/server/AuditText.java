package org.lungfl.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reason as the audit log keeps it: the server's own message, clipped, with any quoted text that
 * is not shaped like an identifier (a tensor name, an id, a number) replaced by {@code '…'}. Most
 * messages never quote the sender; this keeps a free-text value out of the log if one ever does.
 */
final class AuditText {
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{0,128}");
    private static final int MAX = 400;

    private AuditText() {}

    static String reason(String detail) {
        if (detail == null) return null;
        Matcher m = QUOTED.matcher(detail);
        StringBuilder b = new StringBuilder();
        while (m.find()) m.appendReplacement(b, Matcher.quoteReplacement(SAFE.matcher(m.group(1)).matches() ? m.group() : "'…'"));
        m.appendTail(b);
        return b.length() <= MAX ? b.toString() : b.substring(0, MAX) + "…";
    }
}
