package org.lungfl.server;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Who may start an upload now: at most {@code maxConcurrent} bodies are received at once (worker
 * threads and disk are finite), and each client may start {@code perMinute} uploads a minute,
 * retries included (a token bucket holding a minute's worth), so one site cannot fill the audit
 * log or the disk. Both are checked before a byte of the body is read.
 */
final class UploadGate {
    /** A refusal by the rate limit: when to retry, and whether it starts a run of refusals (audited once). */
    record Limited(long retryAfterSeconds, boolean firstOfRun) {}

    private final Semaphore slots;
    private final int maxConcurrent;
    private final int perMinute;
    private final Map<String, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long at;
        boolean refusing;
    }

    UploadGate(int maxConcurrent, int perMinute) {
        this.slots = new Semaphore(maxConcurrent);
        this.maxConcurrent = maxConcurrent;
        this.perMinute = perMinute;
    }

    /** Takes a receiving slot, or false when all are in use. */
    boolean tryEnter() {
        return slots.tryAcquire();
    }

    void leave() {
        slots.release();
    }

    /** Bodies being received now. */
    int receiving() {
        return maxConcurrent - slots.availablePermits();
    }

    /** Null when {@code client} may upload now (one token spent); else the refusal. */
    synchronized Limited take(String client, long nowNanos) {
        if (perMinute == 0) return null;
        Bucket b = buckets.computeIfAbsent(client, k -> {
            Bucket n = new Bucket();
            n.tokens = perMinute;
            n.at = nowNanos;
            return n;
        });
        double perNano = perMinute / 60e9;
        b.tokens = Math.min(perMinute, b.tokens + (nowNanos - b.at) * perNano);
        b.at = nowNanos;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            b.refusing = false;
            return null;
        }
        boolean first = !b.refusing;
        b.refusing = true;
        return new Limited((long) Math.ceil((1 - b.tokens) / perNano / 1e9), first);
    }
}
