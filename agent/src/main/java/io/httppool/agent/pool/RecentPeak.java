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
 * <p>While requests keep coming, {@link #demand} remembers the peak of the last {@value #BUSY_MEMORY_WINDOWS}
 * windows, not one: at 128 concurrent requests the pool's need swings between a few and most of its
 * connections, and a one-window memory trimmed the pool after a quieter minute and the next burst opened
 * the connections again (+20 and +5 TLS handshakes within 15 s in one run). A pool that had no lease for a
 * whole window is idle: then its demand is zero and it shrinks to the limit.
 *
 * <p>Fed on every lease ({@link #observe}: one read of an atomic, a compare-and-set only when a new high is
 * reached); {@link #roll}ed once a second by the housekeeping thread, which keeps one peak per roll.
 */
public final class RecentPeak {

    /** The shortest window: a few housekeeping seconds, so that one quiet second never counts as "load stopped". */
    public static final long MIN_WINDOW_MILLIS = 2_000;

    /** How many windows back a pool still in use remembers its peak (see {@link #demand}). */
    public static final int BUSY_MEMORY_WINDOWS = 5;

    private record Period(long endMillis, int peak) {
    }

    private final AtomicInteger current = new AtomicInteger();
    /** Peaks of past periods, oldest first (under this object's lock). */
    private final ArrayDeque<Period> past = new ArrayDeque<>();

    /**
     * Raises {@code peak} to {@code value} if that is higher (also for {@link LeaseGate}). A loop, not
     * {@code accumulateAndGet(value, Math::max)}: it runs on the application's first request, where a method
     * reference spins a class (~0.5-1.5 ms). Here, not in LeaseGate: not every pool has a gate.
     */
    static void raise(AtomicInteger peak, int value) {
        for (int seen = peak.get(); value > seen; seen = peak.get()) {
            if (peak.compareAndSet(seen, value)) {
                return;
            }
        }
    }

    /** A lease was taken; {@code leasedNow} leases are held with it. */
    public void observe(int leasedNow) {
        if (leasedNow > current.get()) {
            raise(current, leasedNow);
        }
    }

    /**
     * Ends the current period at {@code nowMillis} and starts the next at {@code leasedNow} (what is held
     * across the boundary counts in both); returns {@link #demand} then.
     */
    public synchronized int roll(int leasedNow, long nowMillis, long windowMillis) {
        past.addLast(new Period(nowMillis, current.getAndSet(Math.max(0, leasedNow))));
        return demand(nowMillis, windowMillis);
    }

    /** The most leased at once within the {@code windowMillis} ending at {@code nowMillis}, the current period included. */
    public synchronized int peak(long nowMillis, long windowMillis) {
        forget(nowMillis, windowMillis);
        return peakSince(nowMillis - windowMillis);
    }

    /**
     * How many connections the pool needs kept: zero when nothing was leased within the last window (load
     * stopped), else the most leased at once within the last {@value #BUSY_MEMORY_WINDOWS} windows.
     */
    public synchronized int demand(long nowMillis, long windowMillis) {
        forget(nowMillis, windowMillis);
        if (peakSince(nowMillis - windowMillis) == 0) {
            return 0;
        }
        return peakSince(nowMillis - BUSY_MEMORY_WINDOWS * windowMillis);
    }

    /**
     * How long an idle connection beyond the keep-alive limit must have gone unused before an upkeep that
     * judges connections by their last use (async HttpClient 5, OkHttp) closes it; the same rule as
     * {@link #demand}. A busy pool (requests keep coming) keeps what it used at its peak for
     * {@value #BUSY_MEMORY_WINDOWS} windows, as the next burst may need it again; an idle one shrinks after
     * one window. Unit-agnostic: the result is in the unit of {@code windowMillisOrNanos}.
     */
    public static long unusedBeforeTrim(boolean busy, long windowMillisOrNanos) {
        return busy ? BUSY_MEMORY_WINDOWS * windowMillisOrNanos : windowMillisOrNanos;
    }

    private void forget(long nowMillis, long windowMillis) {
        while (!past.isEmpty() && nowMillis - past.peekFirst().endMillis() > BUSY_MEMORY_WINDOWS * windowMillis) {
            past.removeFirst();
        }
    }

    private int peakSince(long startMillis) {
        int peak = current.get();
        for (Period period : past) {
            if (period.endMillis() >= startMillis) {
                peak = Math.max(peak, period.peak());
            }
        }
        return peak;
    }
}
