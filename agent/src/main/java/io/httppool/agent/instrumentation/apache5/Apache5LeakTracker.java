package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.LeakReclaimer;
import io.httppool.agent.pool.PoolCounters;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.core5.pool.PoolEntry;

/**
 * Leak protection for one managed pool: watches every lease, returns the connection of one whose
 * endpoint was dropped unreleased, and reports leases held too long.
 *
 * <p>Where the lease was taken is worth most in a leak report but costs a few microseconds per request
 * (HTTP_POOL_LEAK_STACKS): {@code always} captures it for every lease; {@code sampled} for one lease in
 * {@value #SAMPLE_EVERY} until the pool has seen a leak or a long lease, and for every lease after that;
 * {@code off} never.
 */
final class Apache5LeakTracker {

    static final int SAMPLE_EVERY = 1024;

    private final String poolName;
    private final PoolCounters counters;
    private final Map<Object, Apache5Lease> active = new ConcurrentHashMap<>();
    private final LongAdder sequence = new LongAdder();
    private volatile boolean captureAll;
    private volatile long lastLeakReport;
    private final LongAdder unreportedLeaks = new LongAdder();
    static final long LEAK_REPORT_SPACING_MILLIS = 10_000;

    private final boolean sample;

    Apache5LeakTracker(String poolName, PoolCounters counters, String stacks) {
        this.poolName = poolName;
        this.counters = counters;
        this.captureAll = "always".equals(stacks);
        this.sample = "sampled".equals(stacks);
    }

    /** Starts watching the lease behind {@code endpoint}, leased from {@code owner}. */
    void track(ConnectionEndpoint endpoint, PoolingHttpClientConnectionManager owner) {
        AtomicReference<PoolEntry<HttpRoute, ?>> entryRef = Apache5PoolInternals.entryRef(endpoint);
        if (entryRef == null) {
            return;
        }
        Throwable leasedAt = captureAll || (sample && sampledNow()) ? new Throwable("connection leased here") : null;
        Apache5Lease lease = new Apache5Lease(this, entryRef, owner, leasedAt);
        active.put(lease.key(), lease);
        lease.watchedBy(LeakReclaimer.watch(endpoint, lease));
    }

    private boolean sampledNow() {
        sequence.increment();
        return sequence.sum() % SAMPLE_EVERY == 1;
    }

    /** The endpoint is being released normally. */
    void untrack(ConnectionEndpoint endpoint) {
        AtomicReference<PoolEntry<HttpRoute, ?>> entryRef = Apache5PoolInternals.entryRef(endpoint);
        if (entryRef == null) {
            return;
        }
        Apache5Lease lease = active.remove(entryRef);
        if (lease != null) {
            lease.released();
        }
    }


    void forget(Apache5Lease lease) {
        active.remove(lease.key());
    }

    void leaked(Apache5Lease lease, HttpRoute route) {
        counters.leak();
        captureAll |= sample;
        // A leaking code path leaks on every call: report it at most once per interval, with a count.
        long now = System.currentTimeMillis();
        if (now - lastLeakReport < LEAK_REPORT_SPACING_MILLIS) {
            unreportedLeaks.increment();
            return;
        }
        lastLeakReport = now;
        long unreported = unreportedLeaks.sumThenReset();
        String message = "Connection leak in pool " + poolName + (unreported > 0 ? " (and " + unreported
                + " more since the last report)" : "") + " (route " + route + "): a lease taken by thread '"
                + lease.thread() + "' " + lease.heldMillis() + " ms ago was never released and its owner was garbage-collected."
                + " The connection was closed and returned to the pool. Likely fix: close the response"
                + " (try-with-resources, EntityUtils.consume) or use a response handler.";
        if (lease.leasedAt() != null) {
            AgentLog.log().warn(message, lease.leasedAt());
        } else {
            AgentLog.log().warn(message + (sample ? " Leasing stacks are captured for this pool from now on." : ""));
        }
    }

    /** Logs, once each, leases held longer than {@code threshold}; returns how many were logged. */
    int reportLongLeases(Duration threshold) {
        int reported = 0;
        long limit = threshold.toMillis();
        for (Apache5Lease lease : active.values()) {
            if (lease.stillLeased() && lease.heldMillis() > limit && lease.markReportedLong()) {
                reported++;
                captureAll |= sample;
                String message = "Connection in pool " + poolName + " leased by thread '" + lease.thread() + "' for "
                        + lease.heldMillis() + " ms (HTTP_POOL_LEAK_THRESHOLD=" + threshold.toMillis() / 1000.0
                        + " s): probably a response not closed. Likely fix: close the response or consume its entity.";
                if (lease.leasedAt() != null) {
                    AgentLog.log().warn(message, lease.leasedAt());
                } else {
                    AgentLog.log().warn(message + (sample ? " (Leasing stack not captured; captured for this pool from now on.)" : ""));
                }
            }
        }
        return reported;
    }

    /**
     * When every connection is leased, some leases may belong to dropped responses: have the reclaimer
     * request collections while requests wait, so the cleaner returns them before a waiter times out.
     */
    void reclaimIfExhausted(int maxTotal, java.util.function.BooleanSupplier stillWaiting) {
        if (active.size() >= maxTotal) {
            LeakReclaimer.exhausted(stillWaiting);
        }
    }
}
