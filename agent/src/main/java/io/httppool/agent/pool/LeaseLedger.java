package io.httppool.agent.pool;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.log.AgentLog;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every connection a pool has leased and not yet got back, whoever holds it. A lease ends exactly once:
 * <ul>
 *   <li>released by the library as usual ({@link #end});</li>
 *   <li>its client was closed ({@link #releaseOwnedBy}): without the agent, {@code close()} would have
 *       closed the client's own pool and this connection with it, so the connection is closed and
 *       counted as released on close, not as a leak;</li>
 *   <li>the object the application held it through became unreachable unreleased: a leak, reclaimed by
 *       {@link LeakReclaimer}'s thread, counted and reported (rate-limited).</li>
 * </ul>
 * Each end gives the lease's place back to the {@link LeaseGate}, the ledger's own ends only once the
 * connection is closed. Library-independent: the library's
 * adapter says what identifies a lease and how to close and return its connection ({@link Reclaimer}).
 *
 * <p>Where the lease was taken is worth most in a leak report but costs microseconds per request
 * (HTTP_POOL_LEAK_STACKS): {@code always} records it for every lease; {@code sampled} for one lease in
 * {@value #SAMPLE_EVERY} until the pool has leaked or held a lease too long, then for every lease;
 * {@code off} never.
 */
public final class LeaseLedger {

    static final int SAMPLE_EVERY = 1024;
    static final long LEAK_REPORT_SPACING_MILLIS = 10_000;

    /** Why a lease is ended by the ledger rather than released by the library. */
    public enum Reason {
        /** The application's handle was garbage-collected: nothing will touch the lease again. */
        LEAKED,
        /**
         * The client that leased it was closed: the application may still hold the response and read it
         * (and must then fail as after a closed client), or close it later.
         */
        CLIENT_CLOSED
    }

    /** How the library closes a lease's connection and hands it back to its pool as not reusable. */
    public interface Reclaimer {
        /** True when the connection was still leased and is now closed and returned. */
        boolean reclaim(Lease lease, Reason reason);
    }

    /** One leased connection. Holds the application's handle weakly: its collection is what a leak is. */
    public static final class Lease extends WeakReference<Object> {
        private final LeaseLedger ledger;
        private final Object key;
        private final Object owner;
        private final Object route;
        private final Object context;
        private final LeaseGate.Permit permit;
        private final long leasedAtNanos;
        private final String thread;
        private final Throwable leasedAt;
        private final AtomicBoolean ended = new AtomicBoolean();
        /** Opening its connection, counted at the gate (see {@link LeaseGate#connectStarted}). */
        private final AtomicBoolean connecting = new AtomicBoolean();
        private volatile boolean reportedLong;

        Lease(LeaseLedger ledger, Object handle, Object key, Object owner, Object route, Object context,
              LeaseGate.Permit permit, Throwable leasedAt) {
            super(handle, LeakReclaimer.queue());
            this.ledger = ledger;
            this.key = key;
            this.owner = owner;
            this.route = route;
            this.context = context;
            this.permit = permit;
            this.leasedAtNanos = ledger.clock.nanoTime();
            this.thread = Thread.currentThread().getName();
            this.leasedAt = leasedAt;
        }

        /** What the library's adapter identifies the lease by (HttpClient 5: the endpoint's pool-entry holder). */
        public Object key() {
            return key;
        }

        /** Adapter data: HttpClient 5 keeps the manager the connection came from. */
        public Object context() {
            return context;
        }

        public Object route() {
            return route;
        }

        /** The client that leased the connection, or null when the adapter could not tell. */
        public Object owner() {
            return owner;
        }

        public boolean overflow() {
            return permit != null && permit.overflow();
        }

        long heldMillis() {
            return (ledger.clock.nanoTime() - leasedAtNanos) / 1_000_000;
        }

        /** Ends the lease and gives its place back; true for the one caller that ended it. */
        private boolean finish() {
            if (!markEnded()) {
                return false;
            }
            givePlaceBack();
            return true;
        }

        /**
         * Ends the lease but keeps its place at the gate; true for the one caller that ended it, who must
         * call {@link #givePlaceBack} once its connection is closed.
         */
        private boolean markEnded() {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            clear();
            ledger.active.remove(key, this);
            connectEnded();
            return true;
        }

        private void givePlaceBack() {
            if (permit != null && ledger.gate != null) {
                ledger.gate.release(permit);
            }
        }

        /** The lease opens a connection; counted at the gate until {@link #connectEnded} or the lease's end. */
        public void connectStarted() {
            if (ledger.gate != null && connecting.compareAndSet(false, true)) {
                ledger.gate.connectStarted();
                if (ended.get()) {
                    connectEnded(); // the lease ended meanwhile, and its end may have looked before this was set
                }
            }
        }

        /** Its connection is open or failed (or the lease ended first); at most once per {@link #connectStarted}. */
        public void connectEnded() {
            if (connecting.compareAndSet(true, false)) {
                ledger.gate.connectEnded();
            }
        }

        /** Ends the lease without reclaiming its connection, when reclaiming it failed. Never throws. */
        void settle() {
            try {
                finish();
            } catch (Throwable ignored) {
                // what could not be given back stays taken
            }
        }

        /** Called by the reclaimer thread once the handle was collected. */
        void collected() {
            ledger.collected(this);
        }
    }

    private final String poolName;
    private final PoolCounters counters;
    private final Clock clock;
    private final LeaseGate gate;
    private final Reclaimer reclaimer;
    private final Map<Object, Lease> active = new ConcurrentHashMap<>();
    private final boolean sample;
    private volatile boolean captureAll;
    private final LongAdder sequence = new LongAdder();
    private final LongAdder unreportedLeaks = new LongAdder();
    private final RecentPeak recentPeak = new RecentPeak();
    private volatile long lastLeakReport = Long.MIN_VALUE;

    /**
     * @param gate may be null (a pool under the application's own limits)
     * @param stacks HTTP_POOL_LEAK_STACKS: {@code always}, {@code sampled} or {@code off}
     */
    public LeaseLedger(String poolName, PoolCounters counters, Clock clock, LeaseGate gate, String stacks, Reclaimer reclaimer) {
        this.poolName = poolName;
        this.counters = counters;
        this.clock = clock;
        this.gate = gate;
        this.reclaimer = reclaimer;
        this.captureAll = "always".equals(stacks);
        this.sample = "sampled".equals(stacks);
    }

    /**
     * A connection was leased.
     *
     * @param handle what the application holds the connection through; when it is collected unreleased, the lease leaked
     * @param key    identifies the lease at {@link #end}
     * @param owner  the client that leased it, or null
     */
    public Lease leased(Object handle, Object key, Object owner, Object route, Object context, LeaseGate.Permit permit) {
        Throwable stack = captureAll || (sample && sampledNow()) ? new Throwable("connection leased here") : null;
        Lease lease = new Lease(this, handle, key, owner, route, context, permit, stack);
        Lease replaced = active.put(key, lease);
        if (replaced != null) {
            replaced.finish(); // the library reused a key it had released without telling us: settle the old one
        }
        recentPeak.observe(held());
        LeakReclaimer.started();
        return lease;
    }

    private boolean sampledNow() {
        sequence.increment();
        return sequence.sum() % SAMPLE_EVERY == 1;
    }

    /** The library released the connection of {@code key}; null when that lease had ended already. */
    public Lease end(Object key) {
        Lease lease = active.get(key);
        return lease != null && lease.finish() ? lease : null;
    }

    /**
     * The client {@code owner} was closed: every connection still leased through it is closed and handed
     * back (not reused: its state is unknown), as closing a client's own pool would have done. Returns how many.
     */
    public int releaseOwnedBy(Object owner) {
        if (owner == null || active.isEmpty()) {
            return 0;
        }
        int released = 0;
        for (Lease lease : active.values()) {
            if (lease.owner == owner && reclaim(lease, Reason.CLIENT_CLOSED, "releasing connections of a closed client in ")) {
                released++;
                counters.closedWithClient();
            }
        }
        return released;
    }

    /**
     * Ends {@code lease} if no one else has, and closes its connection through the library. Its place at
     * the gate is given back only after the connection is closed: a waiter given the place earlier would open
     * its own connection while this one is still open, one more than HTTP_MAX_CONNECTIONS for a moment.
     * True when this call ended the lease and the library closed a connection still leased.
     */
    private boolean reclaim(Lease lease, Reason reason, String failedWhile) {
        if (!lease.markEnded()) {
            return false;
        }
        try {
            FaultPoint.reached(reason == Reason.LEAKED ? "leakReclaim" : "closedClientRelease");
            return reclaimer.reclaim(lease, reason);
        } catch (Throwable error) {
            AgentErrors.record(failedWhile + poolName, error);
            return false;
        } finally {
            lease.givePlaceBack();
        }
    }

    /** The lease of {@code key} while it has not ended, or null. */
    public Lease lease(Object key) {
        return active.get(key);
    }

    /** Leases not ended yet. */
    public int active() {
        return active.size();
    }

    /**
     * Leases held, as the pool's need is measured ({@link RecentPeak}): at least the places taken at the
     * gate. A place is taken before the library hands out its connection and given back after the lease
     * ended here, so the gate never counts fewer than the library has leased, while this ledger learns of a
     * lease only after the library's lease returned: counted here alone, the peak came out a few below the
     * connections the pool had opened, and the idle trim closed those few under steady load.
     */
    public int held() {
        int tracked = active.size();
        return gate != null ? Math.max(tracked, gate.leased()) : tracked;
    }

    /** The most leases held at once lately (see {@link RecentPeak}). */
    public RecentPeak recentPeak() {
        return recentPeak;
    }

    private void collected(Lease lease) {
        if (!reclaim(lease, Reason.LEAKED, "reclaiming a leaked connection of ")) {
            return; // ended otherwise, or released without the library telling us (e.g. discarded): nothing leaked
        }
        counters.leak();
        captureAll |= sample;
        // A leaking code path leaks on every call: report it at most once per interval, with a count.
        long now = clock.millis();
        long last = lastLeakReport;
        if (last != Long.MIN_VALUE && now - last < LEAK_REPORT_SPACING_MILLIS) {
            unreportedLeaks.increment();
            return;
        }
        lastLeakReport = now;
        long unreported = unreportedLeaks.sumThenReset();
        String message = "Connection leak in pool " + poolName + (unreported > 0 ? " (and " + unreported
                + " more since the last report)" : "") + " (route " + lease.route + "): a lease taken by thread '"
                + lease.thread + "' " + lease.heldMillis() + " ms ago was never released and its owner was garbage-collected."
                + " The connection was closed and returned to the pool. Likely fix: close the response"
                + " (try-with-resources, EntityUtils.consume) or use a response handler.";
        if (lease.leasedAt != null) {
            AgentLog.log().warn(message, lease.leasedAt);
        } else {
            AgentLog.log().warn(message + (sample ? " Leasing stacks are recorded for this pool from now on." : ""));
        }
    }

    /** Logs, once each, leases held longer than {@code threshold}; returns how many were logged. */
    public int reportLongLeases(Duration threshold) {
        int reported = 0;
        long limit = threshold.toMillis();
        for (Lease lease : active.values()) {
            if (!lease.ended.get() && !lease.reportedLong && lease.heldMillis() > limit) {
                lease.reportedLong = true;
                reported++;
                captureAll |= sample;
                String message = "Connection in pool " + poolName + " leased by thread '" + lease.thread + "' for "
                        + lease.heldMillis() + " ms (HTTP_POOL_LEAK_THRESHOLD=" + limit / 1000.0
                        + " s): probably a response not closed. Likely fix: close the response or consume its entity.";
                if (lease.leasedAt != null) {
                    AgentLog.log().warn(message, lease.leasedAt);
                } else {
                    AgentLog.log().warn(message + (sample ? " (Leasing stack not recorded; recorded for this pool from now on.)" : ""));
                }
            }
        }
        return reported;
    }
}
