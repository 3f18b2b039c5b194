package io.httppool.agent.pool;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The agent's limit on leased connections of one pool (HTTP_MAX_CONNECTIONS, HTTP_MAX_CONNECTIONS_PER_ROUTE)
 * and what happens at it (HTTP_POOL_ON_EXHAUSTED). The library's own pool behind it has no limit of its
 * own, so this class alone decides whether a request gets a connection now, waits, fails, or overflows.
 *
 * <ul>
 *   <li>{@link OnExhausted#OVERFLOW} (default): a request that finds every place taken waits its turn while
 *       the pool is moving, and goes ahead anyway on an extra connection outside the count, as it would
 *       without the agent, once no place was freed and no connection finished opening for
 *       {@value #OVERFLOW_AFTER_MILLIS} ms while none was being opened (every connection is held by slow
 *       requests), or after {@value #OVERFLOW_MAX_WAIT_MILLIS} ms in all. Under steady load
 *       above the limit places free up every few milliseconds, so requests queue briefly and the pool keeps
 *       its size (no extra handshakes, as with a hand-shared client); when connections are held, nobody waits
 *       longer than that and nothing fails.</li>
 *   <li>{@link OnExhausted#WAIT}: the strict limit; wait up to the pool timeout, then fail.</li>
 * </ul>
 * Whether a released connection is kept is decided by {@link #keepOnRelease}: beyond the limit, only when
 * someone waits for it. So the limit bounds what is kept, not what is served.
 */
public final class LeaseGate {

    /** How long a request waits for a place before overflowing (OVERFLOW mode). */
    public static final long OVERFLOW_AFTER_MILLIS = 50;

    /** How long a waiter that found the pool stalled looks again before overflowing (see acquireSlowly). */
    static final long STALL_RECHECK_MILLIS = 10;

    /** The longest a request waits in OVERFLOW mode even while places keep freeing up (a long, slow-moving queue). */
    public static final long OVERFLOW_MAX_WAIT_MILLIS = 500;

    public enum OnExhausted {
        OVERFLOW, WAIT
    }

    /** A place taken; handed back with {@link #release}. */
    public static final class Permit {
        final Object route;
        final boolean overflow;

        Permit(Object route, boolean overflow) {
            this.route = route;
            this.overflow = overflow;
        }

        /** Whether this lease went beyond the limit. */
        public boolean overflow() {
            return overflow;
        }
    }

    private final int maxTotal;
    private final int maxPerRoute;
    private final OnExhausted mode;
    private final Clock clock;
    private final boolean perRouteLimited;
    private final AtomicInteger leased = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    /**
     * When a place was last handed back or a leased connection finished opening (the gate's clock): the pool
     * is moving while this is recent.
     */
    private volatile long lastProgressNanos;
    /** Leases whose connection is being opened ({@link #connectStarted}). */
    private final AtomicInteger connecting = new AtomicInteger();
    private final LongAdder overflows = new LongAdder();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition placeFreed = lock.newCondition();
    /** Under one limit for all routes: the waiters in arrival order (under the lock). */
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    /** Leases per route; only kept (under the lock) when the per-route limit is below the total. */
    private final Map<Object, Integer> byRoute = new HashMap<>();

    public LeaseGate(int maxTotal, int maxPerRoute, OnExhausted mode, Clock clock) {
        this.maxTotal = maxTotal;
        this.maxPerRoute = Math.min(maxPerRoute, maxTotal);
        this.perRouteLimited = maxPerRoute < maxTotal;
        this.mode = mode;
        this.clock = clock;
        this.lastProgressNanos = clock.nanoTime();
    }

    /**
     * Takes a place for a lease on {@code route}.
     *
     * @param timeoutNanos how long WAIT mode waits; 0 or less: no limit
     * @throws TimeoutException in WAIT mode when no place freed up in time
     */
    public Permit acquire(Object route, long timeoutNanos) throws InterruptedException, TimeoutException {
        if (!perRouteLimited && waiting.get() == 0) {
            // Fast path, no lock: nobody queues, so nobody is overtaken.
            for (int now = leased.get(); now < maxTotal; now = leased.get()) {
                if (leased.compareAndSet(now, now + 1)) {
                    RecentPeak.raise(peak, now + 1);
                    return new Permit(route, false);
                }
            }
        }
        return acquireSlowly(route, timeoutNanos);
    }

    private Permit acquireSlowly(Object route, long timeoutNanos) throws InterruptedException, TimeoutException {
        long start = clock.nanoTime();
        long limit = mode == OnExhausted.OVERFLOW
                ? TimeUnit.MILLISECONDS.toNanos(OVERFLOW_AFTER_MILLIS)
                : (timeoutNanos > 0 ? timeoutNanos : Long.MAX_VALUE);
        return perRouteLimited ? acquireForRoute(route, start, limit) : acquireInLine(route, start, limit);
    }

    /** A waiter in the line of {@link #acquireInLine}; its fields are read and written under the lock. */
    private static final class Waiter {
        final Condition granted;
        boolean placeGiven;

        Waiter(Condition granted) {
            this.granted = granted;
        }
    }

    /**
     * One limit for all routes: places go to waiters in arrival order, handed over by whoever frees one
     * ({@link #grantWhileRoom}): a release gives its place to the first in line at once and wakes it, so the
     * line moves as fast as places free up, not one wake-up after another. (Without an order a newcomer that
     * finds a place free takes the place a woken waiter was about to take, the oldest waiters starve past
     * OVERFLOW_AFTER_MILLIS and overflow: extra connections and handshakes under steady load above the limit.
     * With an order but no hand-over, each waiter took its place itself once awake and only then woke the
     * next: on a busy machine every place waited a thread wake-up, so once a line formed it never emptied,
     * every request queued, and 128 concurrent requests ran at half the throughput of a shared client.)
     */
    private Permit acquireInLine(Object route, long start, long limit) throws InterruptedException, TimeoutException {
        lock.lockInterruptibly();
        waiting.incrementAndGet();
        Waiter me = new Waiter(lock.newCondition());
        queue.addLast(me);
        try {
            grantWhileRoom(); // a place freed before this waiter was in line (the release saw nobody waiting)
            Patience patience = new Patience(start, limit);
            while (!me.placeGiven) {
                long remaining = patience.remainingNanos();
                if (remaining <= 0) {
                    queue.remove(me);
                    return beyondTheLimit(route, limit);
                }
                patience.await(me.granted, remaining);
            }
            return new Permit(route, false);
        } catch (InterruptedException interrupted) {
            queue.remove(me);
            if (me.placeGiven) { // given, but this request will not use it: on to the next in line
                leased.decrementAndGet();
                grantWhileRoom();
            }
            throw interrupted;
        } finally {
            waiting.decrementAndGet();
            lock.unlock();
        }
    }

    /** How long one waiter may still wait (under the lock). */
    private final class Patience {
        private final long start;
        private final long limit;
        private boolean lookedAgain;

        Patience(long start, long limit) {
            this.start = start;
            this.limit = limit;
        }

        long remainingNanos() {
            if (limit == Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            long remaining = budgetNanos();
            if (remaining > 0) {
                lookedAgain = false; // moving again: a later stall gets its own second look
            } else if (mode == OnExhausted.OVERFLOW && !lookedAgain
                    && clock.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(OVERFLOW_MAX_WAIT_MILLIS)) {
                // A stall seen on waking may be the whole JVM's (a GC pause stops releases and waiters
                // alike): every waiter would overflow at once. Look once more, shortly: after a pause
                // releases resume within milliseconds and the queue is seen moving again.
                lookedAgain = true;
                remaining = TimeUnit.MILLISECONDS.toNanos(STALL_RECHECK_MILLIS);
            }
            return remaining;
        }

        /**
         * WAIT mode: the pool timeout. OVERFLOW mode: {@code limit} after the later of the waiter's start and the
         * last progress (a release, a connection opened; while connections are being opened, from now), so a
         * waiter in a moving queue keeps its turn, but never beyond {@value #OVERFLOW_MAX_WAIT_MILLIS} ms in all.
         */
        private long budgetNanos() {
            long now = clock.nanoTime();
            if (mode == OnExhausted.WAIT) {
                return limit - (now - start);
            }
            long lastProgress = lastProgressNanos;
            long stalledSince = connecting.get() > 0 ? now : lastProgress - start > 0 ? lastProgress : start;
            long stalled = limit - (now - stalledSince);
            long cap = TimeUnit.MILLISECONDS.toNanos(OVERFLOW_MAX_WAIT_MILLIS) - (now - start);
            return Math.min(stalled, cap);
        }

        /** Waits on {@code condition} for at most {@code remaining} (as {@link #remainingNanos} gave it). */
        void await(Condition condition, long remaining) throws InterruptedException {
            if (remaining == Long.MAX_VALUE) {
                condition.await();
            } else {
                condition.awaitNanos(remaining);
            }
        }
    }

    /** Under the lock, once a waiter's patience ran out: WAIT fails, OVERFLOW goes ahead beyond the limit. */
    private Permit beyondTheLimit(Object route, long limit) throws TimeoutException {
        if (mode == OnExhausted.WAIT) {
            throw new TimeoutException("no place free within " + TimeUnit.NANOSECONDS.toMillis(limit) + " ms");
        }
        overflows.increment();
        take(route);
        return new Permit(route, true);
    }

    /** Under the lock: hands free places to the first in line, in order, and wakes each. */
    private void grantWhileRoom() {
        for (Waiter first = queue.peekFirst(); first != null && leased.get() < maxTotal; first = queue.peekFirst()) {
            queue.pollFirst();
            take(null);
            first.placeGiven = true;
            first.granted.signal();
        }
    }

    /**
     * Per-route limits: a head waiter of a full route must not hold up other routes, so any waiter takes a
     * free place of its route (all woken on a release).
     */
    private Permit acquireForRoute(Object route, long start, long limit) throws InterruptedException, TimeoutException {
        lock.lockInterruptibly();
        waiting.incrementAndGet();
        try {
            Patience patience = new Patience(start, limit);
            while (!hasRoom(route)) {
                long remaining = patience.remainingNanos();
                if (remaining <= 0) {
                    return beyondTheLimit(route, limit);
                }
                patience.await(placeFreed, remaining);
            }
            take(route);
            return new Permit(route, false);
        } finally {
            waiting.decrementAndGet();
            lock.unlock();
        }
    }

    private boolean hasRoom(Object route) {
        if (leased.get() >= maxTotal) {
            return false;
        }
        return !perRouteLimited || byRoute.getOrDefault(route, 0) < maxPerRoute;
    }

    /** Under the lock. */
    private void take(Object route) {
        int now = leased.incrementAndGet();
        RecentPeak.raise(peak, now);
        if (perRouteLimited) {
            byRoute.merge(route, 1, Integer::sum);
        }
    }

    /** Hands a place back (exactly once per permit). */
    public void release(Permit permit) {
        if (perRouteLimited) {
            lock.lock();
            try {
                lastProgressNanos = clock.nanoTime();
                leased.decrementAndGet();
                byRoute.computeIfPresent(permit.route, (r, n) -> n > 1 ? n - 1 : null);
                placeFreed.signalAll(); // a waiter for another route cannot use this place
            } finally {
                lock.unlock();
            }
            return;
        }
        leased.decrementAndGet();
        if (waiting.get() > 0) {
            lastProgressNanos = clock.nanoTime();
            lock.lock();
            try {
                grantWhileRoom();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * A lease is opening its connection (TCP connect, TLS handshake). While any is, the pool counts as moving:
     * its places are not held by slow requests but by connections about to carry theirs (a cold JVM's first
     * TLS handshakes take hundreds of milliseconds each, and a burst that fills the pool at start would
     * otherwise overflow after {@value #OVERFLOW_AFTER_MILLIS} ms and open connections beyond the limit, all
     * of them competing for the same CPU). A waiter still goes ahead after {@value #OVERFLOW_MAX_WAIT_MILLIS} ms.
     * Exactly one {@link #connectEnded} follows.
     */
    public void connectStarted() {
        connecting.incrementAndGet();
    }

    /** The connection of a lease is open, or failed to open: its request goes on, progress like a release. */
    public void connectEnded() {
        connecting.decrementAndGet();
        if (waiting.get() > 0) {
            lastProgressNanos = clock.nanoTime();
        }
    }

    /** Leases opening their connection now. */
    public int connecting() {
        return connecting.get();
    }

    /**
     * Whether a connection being released should be kept for reuse, given how many connections the pool
     * holds now, this one included: always within the limit; beyond it, only for a request waiting.
     */
    public boolean keepOnRelease(int openConnections) {
        return openConnections <= maxTotal || waiting.get() > 0;
    }

    public int leased() {
        return leased.get();
    }

    public int waiting() {
        return waiting.get();
    }

    public int max() {
        return maxTotal;
    }

    /** Leases that went beyond the limit since the gate was made. */
    public long overflows() {
        return overflows.sum();
    }

    /** The most leases held at once since the gate was made. */
    public int peak() {
        return peak.get();
    }

    public OnExhausted mode() {
        return mode;
    }
}
