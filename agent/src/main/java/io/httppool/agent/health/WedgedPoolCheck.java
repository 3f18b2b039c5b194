package io.httppool.agent.health;

import io.httppool.agent.pool.PoolStats;
import java.util.Optional;

/**
 * UNHEALTHY when every connection is leased, requests wait, and no lease moved during a whole interval
 * (no new request got a connection, none failed on one): leases are being lost (responses never closed)
 * or connections hang. Only judged from the
 * second check on, so that a burst of slow first requests to a new pool is not mistaken for a wedge.
 */
public final class WedgedPoolCheck implements HealthCheck {

    @Override
    public Optional<Verdict> evaluate(CheckInput input) {
        PoolStats stats = input.stats();
        boolean allLeased = stats.max() > 0 && stats.leased() >= stats.max();
        if (input.firstCheck() || !allLeased || stats.pending() == 0 || input.leaseActivity() > 0) {
            return Optional.empty();
        }
        return Optional.of(Verdict.unhealthy("wedged: all " + stats.max() + " connections leased, " + stats.pending()
                + " waiting, none released in the last " + Durations.describe(input.elapsed())));
    }
}
