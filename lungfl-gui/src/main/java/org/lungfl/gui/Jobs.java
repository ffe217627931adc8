package org.lungfl.gui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window's long operations (import, training, upload, download, federated rounds, prediction)
 * run here, one at a time, on a background thread, never on the event thread. Each has its own
 * {@link StopSignal}: Cancel raises it, and the work stops at its next safe point; one that sits
 * in a blocking call is interrupted a few seconds later. Progress reaches the window coalesced, so
 * a fast loop cannot flood the event queue. Results and errors (in words) come back on the event thread.
 */
public final class Jobs {
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
    static final int INTERRUPT_AFTER_MS = 3000;

    public enum Outcome { DONE, CANCELLED, FAILED }

    /** A long operation; it reports through {@code ctx} and checks {@code ctx.stop()}. */
    public interface Work<T> {
        T run(Context ctx) throws Exception;
    }

    /** What the window hears about the current job, on the event thread. */
    public interface Listener {
        default void started(String title) {}

        /** @param total 0 for "no measure of how far" */
        default void progress(String title, String text, int done, int total) {}

        default void finished(String title, Outcome outcome, String words) {}
    }

    private record Step(String text, int done, int total) {}

    /** Handed to the work: its stop signal, progress and log lines. Safe from any thread. */
    public final class Context {
        private final String title;
        private final StopSignal stop = new StopSignal();
        private final AtomicReference<Step> latest = new AtomicReference<>();
        private final AtomicBoolean posted = new AtomicBoolean();
        private volatile Thread thread;

        Context(String title) {
            this.title = title;
        }

        public StopSignal stop() {
            return stop;
        }

        public void progress(String text, int done, int total) {
            latest.set(new Step(text, done, total));
            if (posted.compareAndSet(false, true)) {
                SwingUtilities.invokeLater(() -> {
                    posted.set(false);
                    Step s = latest.get();
                    if (current == this) for (Listener l : listeners) l.progress(title, s.text(), s.done(), s.total());
                });
            }
        }

        public void log(String line) {
            log.add(line);
        }
    }

    private final ActivityLog log;
    private final List<Listener> listeners = new ArrayList<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lungfl-gui-job");
        t.setDaemon(true);
        return t;
    });
    private Context current;

    public Jobs(ActivityLog log) {
        this.log = log;
    }

    /** Event thread only. */
    public void listen(Listener l) {
        listeners.add(l);
    }

    /** Event thread only. */
    public boolean busy() {
        return current != null;
    }

    /**
     * Starts {@code work} unless another job runs (then false). {@code onDone} gets the result and
     * {@code onFailure} the error in words, both on the event thread; neither is called when cancelled.
     */
    public <T> boolean start(String title, Work<T> work, Consumer<T> onDone, Consumer<String> onFailure) {
        if (!SwingUtilities.isEventDispatchThread()) throw new IllegalStateException("start jobs from the event thread");
        if (current != null) return false;
        Context ctx = new Context(title);
        current = ctx;
        for (Listener l : listeners) l.started(title);
        worker.execute(() -> {
            ctx.thread = Thread.currentThread();
            T result = null;
            Throwable failure = null;
            try {
                result = work.run(ctx);
            } catch (Throwable t) {
                failure = t;
            } finally {
                ctx.thread = null;
                Thread.interrupted(); // a late cancel's interrupt must not hit the next job
            }
            T r = result;
            Throwable f = failure;
            if (f != null && !ctx.stop.raised()) {
                if (f instanceof UserFacingException) LOG.warn("{} failed: {}", title, f.getMessage());
                else LOG.error("{} failed", title, f);
            }
            SwingUtilities.invokeLater(() -> finish(ctx, r, f, onDone, onFailure));
        });
        return true;
    }

    private <T> void finish(Context ctx, T result, Throwable failure, Consumer<T> onDone, Consumer<String> onFailure) {
        current = null;
        Outcome outcome = ctx.stop.raised() ? Outcome.CANCELLED : failure == null ? Outcome.DONE : Outcome.FAILED;
        String words = switch (outcome) {
            case CANCELLED -> "cancelled";
            case FAILED -> ErrorWords.of(failure);
            case DONE -> "done";
        };
        try {
            if (outcome == Outcome.DONE) onDone.accept(result);
            else if (outcome == Outcome.FAILED) onFailure.accept(words);
        } finally {
            for (Listener l : listeners) l.finished(ctx.title, outcome, words);
        }
    }

    /** Asks the running job to stop; event thread only. */
    public void cancel() {
        Context ctx = current;
        if (ctx == null) return;
        ctx.stop.raise();
        ctx.log(ctx.title.toLowerCase(java.util.Locale.ROOT) + ": cancelling…");
        Timer t = new Timer(INTERRUPT_AFTER_MS, e -> {
            Thread th = ctx.thread;
            if (current == ctx && th != null) th.interrupt();
        });
        t.setRepeats(false);
        t.start();
    }

    public void shutdown() {
        Context ctx = current;
        if (ctx != null) ctx.stop.raise();
        worker.shutdownNow();
    }
}
