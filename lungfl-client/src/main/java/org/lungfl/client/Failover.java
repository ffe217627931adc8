package org.lungfl.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How {@link FlClient} rides out unreachable servers: after every server in the list has failed,
 * it waits an exponentially growing, fully jittered pause (so a restarted server is not hit by
 * every site at the same instant) and goes round again, until {@code giveUpAfter}. While it works
 * with a backup it tries the primary again every {@code primaryRetry}, so the federation returns
 * to the primary once it is back.
 */
public record Failover(Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter, Duration primaryRetry) {
    /** One pass over the servers, no waiting: for one-shot commands and tests of refusals. */
    public static final Failover ONCE = new Failover(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** A hospital's unattended client: keeps trying for half an hour. */
    public static final Failover UNATTENDED = new Failover(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(30),
            Duration.ofMinutes(1));

    public Failover {
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || giveUpAfter.isNegative() || primaryRetry.isNegative()) {
            throw new IllegalArgumentException("failover durations must be >= 0 with max backoff >= initial backoff");
        }
    }

    public Failover withGiveUpAfter(Duration d) {
        return new Failover(initialBackoff, maxBackoff, d, primaryRetry);
    }

    /** The pause before pass {@code attempt} (0-based): uniform in [0, min(max, initial·2^attempt)]. */
    Duration backoff(int attempt) {
        long cap = initialBackoff.toMillis() << Math.min(attempt, 20);
        long bound = Math.min(maxBackoff.toMillis(), cap);
        return Duration.ofMillis(bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1));
    }
}
