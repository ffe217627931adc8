package org.lungfl.gui;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.swing.SwingUtilities;
import org.lungfl.client.Failover;
import org.lungfl.client.FlClient;
import org.lungfl.client.StopSignal;

/**
 * Asks the server for {@code /status} every {@value #FAST_SECONDS} s while the Server page is
 * visible and every {@value #SLOW_SECONDS} s otherwise, on its own thread with its own client, so
 * the window notices a failover even when nobody presses a button. Answers and errors (in words)
 * arrive on the event thread; a poll still running is never doubled.
 */
final class StatusPoller {
    static final int FAST_SECONDS = 5, SLOW_SECONDS = 30;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lungfl-gui-status");
        t.setDaemon(true);
        return t;
    });
    private final FailoverWatch watch;
    private final BooleanSupplier visible;
    private final Consumer<JsonNode> onStatus;
    private final Consumer<String> onError;
    private final AtomicBoolean running = new AtomicBoolean();
    private ScheduledFuture<?> task;
    private volatile FlClient client;
    private long ticks;

    StatusPoller(FailoverWatch watch, BooleanSupplier visible, Consumer<JsonNode> onStatus, Consumer<String> onError) {
        this.watch = watch;
        this.visible = visible;
        this.onStatus = onStatus;
        this.onError = onError;
    }

    /** Polls {@code c} from now on (replacing any earlier connection). */
    synchronized void start(Connection c) {
        stop();
        client = c.client(Failover.ONCE, new StopSignal(), watch, Duration.ofSeconds(15));
        ticks = 0;
        task = timer.scheduleWithFixedDelay(this::tick, FAST_SECONDS, 1, TimeUnit.SECONDS);
    }

    synchronized void stop() {
        if (task != null) task.cancel(false);
        task = null;
        client = null;
    }

    /** Polls at once (the "Check server status" button). */
    void now() {
        timer.execute(this::poll);
    }

    private void tick() {
        long t = ticks++;
        boolean due = visible.getAsBoolean() ? t % FAST_SECONDS == 0 : t % SLOW_SECONDS == 0;
        if (due) poll();
    }

    private void poll() {
        FlClient c = client;
        if (c == null || !running.compareAndSet(false, true)) return;
        try {
            JsonNode s = c.checkServerStatus();
            watch.answered(c.server());
            SwingUtilities.invokeLater(() -> {
                if (client == c) onStatus.accept(s);
            });
        } catch (RuntimeException e) {
            String words = ErrorWords.of(e);
            SwingUtilities.invokeLater(() -> {
                if (client == c) onError.accept(words);
            });
        } finally {
            running.set(false);
        }
    }

    void shutdown() {
        timer.shutdownNow();
    }
}
