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
     * Signs since the last check that leases move: requests counted (pools count one per lease) plus
     * requests that failed on or while making a connection. Waiters timing out are no such sign.
     */
    public long leaseActivity() {
        return sinceLastCheck.requests() + sinceLastCheck.errors(ErrorKind.CONNECT) + sinceLastCheck.errors(ErrorKind.TLS)
                + sinceLastCheck.errors(ErrorKind.IO) + sinceLastCheck.errors(ErrorKind.FATAL);
    }
}
