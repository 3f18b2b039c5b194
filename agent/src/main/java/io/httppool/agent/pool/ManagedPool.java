package io.httppool.agent.pool;

import java.time.Duration;

/**
 * What the library-independent parts of the agent (health checks, metrics, JMX, status server) see of a
 * managed pool. Implemented by the helper classes of each instrumented library, inside the class loader
 * that loaded the library; this interface names JDK types only so that it crosses that boundary.
 * Every method must be safe to call from any thread and must not throw for an ordinary closed pool.
 */
public interface ManagedPool {

    /** Stable, unique name such as {@code apache5/default}; used as metric label and JMX key. */
    String name();

    /** The library this pool serves, for humans: "Apache HttpClient 5 5.5.1". */
    String library();

    /** A short description of the connection-level setup the pool is keyed by: default, system, custom. */
    String setup();

    /** Occupancy of the pool currently serving new leases. */
    PoolStats stats();

    PoolCounters counters();

    /** False once the pool serving new leases was shut down (by the library, e.g. after an Error, or by someone else). */
    boolean isOpen();

    /**
     * Housekeeping of one health check: closes expired connections, idle ones older than {@code idleExpiry},
     * and idle ones beyond {@code maxIdle}; closes replaced pools that drained. Returns connections closed.
     */
    int maintain(Duration idleExpiry, int maxIdle);

    /**
     * Cheap upkeep run every second by the health thread, whatever HTTP_POOL_HEALTH_INTERVAL says: closes
     * idle connections beyond the keep-alive limit that were not reused for a while, connections to
     * addresses their host name no longer resolves to, and replaced pools that drained.
     */
    default void housekeep() {
    }

    /** Closes every idle connection now (JMX operation, error-triggered refresh of all routes). */
    int evictIdle();

    /**
     * Replaces the pool serving new leases with a fresh one. Requests in flight finish on the old pool,
     * which is closed once drained (or after a bound). Counted in {@link PoolCounters#recreated()}.
     */
    void recreate(String reason);

    /** Graceful close at JVM shutdown: waits up to {@code grace} for leased connections, then closes all. */
    void shutdown(Duration grace);

    /** Leases held longer than {@code threshold} not yet reported: logged once each by the caller's policy. */
    default int reportLongLeases(Duration threshold) {
        return 0;
    }
}
