package io.httppool.agent.health;

import io.httppool.agent.pool.PoolStats;
import java.util.Optional;

/**
 * UNHEALTHY when every connection is leased, requests wait, and not one request ended during a whole
 * interval: leases are being lost (responses never closed) or a connection hangs. Only judged from the
 * second check on, so that a burst of slow first requests to a new pool is not mistaken for a wedge.
 */
public final class WedgedPoolCheck implements HealthCheck {

    @Override
    public Optional<Verdict> evaluate(CheckInput input) {
        PoolStats stats = input.stats();
        boolean allLeased = stats.max() > 0 && stats.leased() >= stats.max();
        if (input.firstCheck() || !allLeased || stats.pending() == 0 || input.requestsEnded() > 0) {
            return Optional.empty();
        }
        return Optional.of(Verdict.unhealthy("wedged: all " + stats.max() + " connections leased, " + stats.pending()
                + " waiting, no request completed in the last " + Durations.describe(input.elapsed())));
    }
}
