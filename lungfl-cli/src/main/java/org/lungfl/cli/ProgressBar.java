package org.lungfl.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long work on stderr: a bar redrawn in place when stderr is a terminal, otherwise a
 * plain line every few seconds (logs and CI output stay readable).
 */
final class ProgressBar {
    private static final long LINE_EVERY_NANOS = 5_000_000_000L;
    private final PrintStream err;
    private final String what;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastLine = start;

    ProgressBar(PrintStream err, String what, boolean terminal) {
        this.err = err;
        this.what = what;
        this.terminal = terminal;
    }

    static boolean stderrIsTerminal() {
        // System.console() is null when either stdin or stdout is redirected, which is close
        // enough: a bar is only drawn for an interactive run.
        return System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    void update(int done, int total, long items, String unit) {
        double seconds = (System.nanoTime() - start) / 1e9;
        String rate = seconds > 0 ? String.format(Locale.ROOT, ", %.0f %s/s", items / seconds, unit) : "";
        show(done, total, items + " " + unit + rate);
    }

    /** Training: the bar counts batches over all epochs; a rate of epochs per second would read 0, so say the loss. */
    void training(int epoch, int epochs, int batch, int batches, double loss) {
        show((epoch - 1) * batches + batch, epochs * batches, String.format(Locale.ROOT, "epoch %d/%d, loss %.3f", epoch, epochs, loss));
    }

    /** Wipes a drawn bar so a line can be printed; it is drawn again on the next update. */
    void clear() {
        if (!terminal) return;
        err.print("\r" + " ".repeat(100) + "\r");
        err.flush();
    }

    private void show(int done, int total, String detail) {
        long now = System.nanoTime();
        if (terminal) {
            int width = 30;
            int filled = total == 0 ? width : (int) ((long) width * done / total);
            err.print(String.format(Locale.ROOT, "\r%s [%s%s] %d/%d, %s   ", what, "#".repeat(filled), " ".repeat(width - filled), done,
                    total, detail));
            if (done == total) err.println();
            err.flush();
        } else if (done == total || now - lastLine >= LINE_EVERY_NANOS) {
            lastLine = now;
            err.println(String.format(Locale.ROOT, "%s: %d/%d, %s", what, done, total, detail));
        }
    }
}
