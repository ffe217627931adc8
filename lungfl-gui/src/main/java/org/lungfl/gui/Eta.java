package org.lungfl.gui;

import java.time.Duration;

/** "about 40 s left": the time left of an operation at its average pace so far. */
public final class Eta {
    private Eta() {}

    /** Null until a first item is done, or when all are. */
    public static String left(Duration elapsed, int done, int total) {
        if (done <= 0 || done >= total) return null;
        double seconds = elapsed.toMillis() / 1000.0 / done * (total - done);
        if (seconds < 60) return "about " + Math.max(1, Math.round(seconds)) + " s left";
        if (seconds < 3600) return "about " + Math.round(seconds / 60) + " min left";
        return String.format(java.util.Locale.ROOT, "about %.1f h left", seconds / 3600);
    }
}
