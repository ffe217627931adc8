package org.lungfl.client;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop (Ctrl-C, the GUI's stop button, a test), seen by every wait and between every
 * step of the training cycle. Waits end early when it is raised, so a stop is never held up by a
 * backoff or a poll interval.
 */
public final class StopSignal {
    private final CountDownLatch raised = new CountDownLatch(1);

    public void raise() {
        raised.countDown();
    }

    public boolean raised() {
        return raised.getCount() == 0;
    }

    /** Sleeps for {@code d} unless stopped first; true when the stop came. */
    public boolean sleep(Duration d) {
        try {
            return raised.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Thrown out of a step when a stop was requested; the cycle catches it and ends cleanly. */
    public static final class Stopped extends RuntimeException {
        public Stopped() {
            super("stopped", null, false, false);
        }
    }

    public void check() {
        if (raised()) throw new Stopped();
    }
}
