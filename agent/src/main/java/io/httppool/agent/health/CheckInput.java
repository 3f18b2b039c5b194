package io.httppool.agent.health;

import io.httppool.agent.metrics.CounterSnapshot;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import io.httppool.agent.pool.PoolStats;
import java.time.Duration;

/**
 * What a health check sees of one pool: its state now, and what its counters did since the previous check.
 *
 * @param sinceLastCheck counter increments since the previous check; since the pool's creation on its first check
 * @param elapsed        time since the previous check, or null on the pool's first check
 */
public record CheckInput(boolean open, PoolStats stats, CounterSnapshot sinceLastCheck, Duration elapsed) {

    /** True on the first check of a pool, when "since the last check" means "since the pool was created". */
    public boolean firstCheck() {
        return elapsed == null;
    }

    /**
     * Requests that ended since the last check, successfully or with an error on a connection. A pool that
     * hands out connections which then fail is still moving; waiters timing out are not ends of a lease.
     */
    public long requestsEnded() {
        return sinceLastCheck.requests() + sinceLastCheck.errors(ErrorKind.CONNECT) + sinceLastCheck.errors(ErrorKind.TLS)
                + sinceLastCheck.errors(ErrorKind.IO) + sinceLastCheck.errors(ErrorKind.FATAL);
    }
}
