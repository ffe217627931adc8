package org.lungfl.cli;

import java.io.PrintWriter;

/**
 * Progress on stderr: a redrawn bar on a terminal, otherwise one line every 10% (or at most every
 * few seconds) so logs of CI runs stay short but show life.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long LINE_EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastLine;
    private int lastDecile = -1;

    ProgressBar(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
        this.terminal = System.console() != null;
    }

    synchronized void update(int done, int total, String detail) {
        double seconds = (System.nanoTime() - start) / 1e9;
        if (terminal) {
            int filled = total == 0 ? WIDTH : done * WIDTH / total;
            err.print(String.format("\r%s [%s%s] %d/%d %s %.1fs", what, "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, detail, seconds));
            if (done == total) err.println();
            err.flush();
            return;
        }
        int decile = total == 0 ? 10 : done * 10 / total;
        long now = System.nanoTime();
        if (decile != lastDecile || now - lastLine > LINE_EVERY_NANOS || done == total) {
            lastDecile = decile;
            lastLine = now;
            err.println(String.format("%s %d/%d %s %.1fs", what, done, total, detail, seconds));
            err.flush();
        }
    }
}
