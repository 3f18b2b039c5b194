package io.httppool.agent.pool;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most connections a pool had leased at once within a recent window: how many a busy pool needs open,
 * whatever its idle count at one instant. The idle limit (HTTP_MAX_KEEPALIVE_CONNECTIONS) trims only beyond
 * this, so a pool under load keeps every connection its bursts use (a connection idle between two bursts is
 * not closed and reopened: one TLS handshake each time), and once load stops this figure falls to what is
 * leased then, one window later.
 *
 * <p>Fed on every lease ({@link #observe}: one read of an atomic, a compare-and-set only when a new high is
 * reached); {@link #roll}ed once a second by the housekeeping thread, which keeps one peak per roll.
 */
public final class RecentPeak {

    /** The shortest window: a few housekeeping seconds, so that one quiet second never counts as "load stopped". */
    public static final long MIN_WINDOW_MILLIS = 2_000;

    private record Period(long endMillis, int peak) {
    }

    private final AtomicInteger current = new AtomicInteger();
    /** Peaks of past periods, oldest first (under this object's lock). */
    private final ArrayDeque<Period> past = new ArrayDeque<>();

    /** A lease was taken; {@code leasedNow} leases are held with it. */
    public void observe(int leasedNow) {
        if (leasedNow > current.get()) {
            current.accumulateAndGet(leasedNow, Math::max);
        }
    }

    /**
     * Ends the current period at {@code nowMillis} and starts the next at {@code leasedNow} (what is held
     * across the boundary counts in both); returns the most leased at once within {@code windowMillis}.
     */
    public synchronized int roll(int leasedNow, long nowMillis, long windowMillis) {
        past.addLast(new Period(nowMillis, current.getAndSet(Math.max(0, leasedNow))));
        return peak(nowMillis, windowMillis);
    }

    /** The most leased at once within the {@code windowMillis} ending at {@code nowMillis}, the current period included. */
    public synchronized int peak(long nowMillis, long windowMillis) {
        while (!past.isEmpty() && nowMillis - past.peekFirst().endMillis() > windowMillis) {
            past.removeFirst();
        }
        int peak = current.get();
        for (Period period : past) {
            peak = Math.max(peak, period.peak());
        }
        return peak;
    }
}
