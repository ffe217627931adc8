package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The newest audit events, each numbered by its position in {@code audit.jsonl} (0 = first line),
 * so a reader can ask for what came after the last one it saw, across restarts. Events appended
 * while the log's past is still being read wait until their number is known.
 */
final class AuditTail {
    /** One audit line and its position in the log. */
    record Entry(long id, JsonNode event) {}

    private final int keep;
    private final Deque<Entry> recent = new ArrayDeque<>();
    private final List<JsonNode> pending = new ArrayList<>();
    private long next;
    private boolean loaded;

    AuditTail(int keep) {
        this.keep = keep;
    }

    /** One line of the log's past, in order. */
    synchronized void past(JsonNode event) {
        add(event);
    }

    /** The past is read: the events that arrived meanwhile follow it. */
    synchronized void pastDone() {
        loaded = true;
        pending.forEach(this::add);
        pending.clear();
    }

    synchronized void live(JsonNode event) {
        if (loaded) add(event);
        else pending.add(event);
    }

    private void add(JsonNode event) {
        recent.addLast(new Entry(next++, event));
        while (recent.size() > keep) recent.removeFirst();
    }

    /** Up to {@code limit} entries after {@code afterId}, oldest first; the newest {@code limit} when afterId is negative. */
    synchronized List<Entry> after(long afterId, int limit) {
        List<Entry> out = new ArrayList<>();
        if (afterId < 0) {
            var it = recent.descendingIterator();
            while (it.hasNext() && out.size() < limit) out.add(0, it.next());
            return out;
        }
        for (Entry e : recent) {
            if (e.id() <= afterId) continue;
            out.add(e);
            if (out.size() == limit) break;
        }
        return out;
    }

    /** The number the next event will get: the log's length in events. */
    synchronized long size() {
        return next;
    }
}
