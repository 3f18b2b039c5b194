package io.httppool.agent.pool;

import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * How a managed pool lets requests at its connections: through its {@link LeaseGate} when the agent's
 * limits apply (the application set none of its own), or straight to the library's own pool otherwise.
 * Either way, a pool whose connections are all in use may hold leases of responses dropped unclosed, so
 * {@link LeakReclaimer} is asked to look for them. Overflow is counted here and reported once per pool.
 */
public final class LeaseAdmission {

    private final String poolName;
    private final PoolCounters counters;
    private final LeaseGate gate;
    private final Clock clock;
    private final BooleanSupplier underPressure;
    private volatile boolean overflowReported;
    private volatile long firstOverflowMillis = -1;

    /**
     * @param gate            the agent's limits, or null when the library's pool enforces the application's own
     * @param libraryPressure for a pool without a gate: whether requests wait in the library's pool
     */
    public LeaseAdmission(String poolName, PoolCounters counters, LeaseGate gate, BooleanSupplier libraryPressure, Clock clock) {
        this.poolName = poolName;
        this.counters = counters;
        this.gate = gate;
        this.clock = clock;
        // An anonymous class, not a lambda: this runs when the application's first call makes a pool, where a
        // lambda spins a class at first use (~0.5-1.5 ms on a cold JVM).
        this.underPressure = new BooleanSupplier() {
            @Override
            public boolean getAsBoolean() {
                return gate != null ? gate.leased() >= gate.max() : libraryPressure.getAsBoolean();
            }
        };
    }

    /** Whether the agent's gate applies the limits. */
    public boolean gated() {
        return gate != null;
    }

    /** The gate, or null (for the ledger, which hands places back when a lease ends outside the library). */
    public LeaseGate gate() {
        return gate;
    }

    /**
     * A place for a request on {@code route}: null for a pool under the application's own limits.
     *
     * @param timeoutNanos how long WAIT mode waits; 0 or less: no limit
     * @throws TimeoutException when WAIT mode found no place in time (see {@link #exhausted})
     */
    public LeaseGate.Permit admit(Object route, long timeoutNanos) throws InterruptedException, TimeoutException {
        if (underPressure.getAsBoolean()) {
            LeakReclaimer.pressed(underPressure); // some of those leases may be responses dropped unclosed
        }
        if (gate == null) {
            return null;
        }
        LeaseGate.Permit permit = gate.acquire(route, timeoutNanos);
        if (permit.overflow()) {
            counters.overflowed();
            if (firstOverflowMillis < 0) {
                firstOverflowMillis = clock.millis();
            }
        }
        return permit;
    }

    /** Hands back a place not used after all (the library's lease failed). */
    public void giveBack(LeaseGate.Permit permit) {
        if (permit != null && gate != null) {
            gate.release(permit);
        }
    }

    /** Whether a released connection is kept, the pool holding {@code openConnections} with it (see {@link LeaseGate#keepOnRelease}). */
    public boolean keepOnRelease(int openConnections) {
        return gate == null || gate.keepOnRelease(openConnections);
    }

    /** Requests waiting at the gate. */
    public int waiting() {
        return gate != null ? gate.waiting() : 0;
    }

    /**
     * Counts a pool timeout and says what to tell the application: which pool, how long it waited, and how
     * full the pool was, so the message alone points at the cause.
     */
    public String exhausted(Object waited, PoolStats stats) {
        counters.error(PoolCounters.ErrorKind.POOL_TIMEOUT);
        return "http-pool-agent: no connection free in pool " + poolName + " within " + waited
                + " (HTTP_POOL_TIMEOUT): leased=" + stats.leased() + ", available=" + stats.available()
                + ", others waiting=" + stats.pending() + ", max=" + stats.max()
                + ". Raise HTTP_MAX_CONNECTIONS, or check for responses that are never closed.";
    }

    /** One WARN per pool, a second after its first overflow, with the most leases seen at once. */
    public void reportOverflowOnce() {
        long first = firstOverflowMillis;
        if (overflowReported || first < 0 || gate == null || clock.millis() - first < 1_000) {
            return;
        }
        overflowReported = true;
        io.httppool.agent.log.AgentLog.log().warn("Pool {}: {} requests at once needed more than HTTP_MAX_CONNECTIONS={}"
                + " connections; they got extra connections outside the pool (HTTP_POOL_ON_EXHAUSTED=overflow), closed after"
                + " use. Raise HTTP_MAX_CONNECTIONS to at least {} to reuse them too.", poolName, gate.peak(), gate.max(), gate.peak());
    }
}
