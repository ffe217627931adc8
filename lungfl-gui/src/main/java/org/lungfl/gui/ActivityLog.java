package org.lungfl.gui;

import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happened, one timestamped line each: connections, imports, training, uploads accepted or
 * duplicate, failovers, errors. Lines may come from any thread; listeners hear them on the event
 * thread. Each line also goes to the terminal's log.
 */
public final class ActivityLog {
    private static final Logger LOG = LoggerFactory.getLogger("org.lungfl.gui");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private final Clock clock;
    private final List<String> lines = new ArrayList<>();
    private final List<Consumer<String>> listeners = new ArrayList<>();

    public ActivityLog(Clock clock) {
        this.clock = clock;
    }

    public void add(String line) {
        String stamped = TIME.format(clock.instant().atZone(ZoneId.systemDefault())) + "  " + line;
        LOG.info(line);
        Runnable r = () -> {
            lines.add(stamped);
            for (Consumer<String> l : listeners) l.accept(stamped);
        };
        if (SwingUtilities.isEventDispatchThread()) r.run();
        else SwingUtilities.invokeLater(r);
    }

    public void error(String what, String words) {
        add(what + " failed: " + words);
    }

    /** Event thread only. */
    public void listen(Consumer<String> l) {
        listeners.add(l);
        lines.forEach(l);
    }

    /** Event thread only. */
    public String text() {
        return String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    }

    /** Event thread only. */
    public void clear() {
        lines.clear();
    }
}
