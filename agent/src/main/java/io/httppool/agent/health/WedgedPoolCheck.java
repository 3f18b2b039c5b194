package io.httppool.agent.health;

import io.httppool.agent.pool.PoolStats;
import java.util.Optional;

/**
 * DEGRADED when every connection is leased, requests wait, and no lease moved during a whole interval
 * (no new request got a connection, none failed on one). From the pool alone this cannot be told apart
 * from requests that are simply slow (a long download, an upstream that takes its time), so it is
 * reported, never "recovered" by a new pool: that would open connections beyond HTTP_MAX_CONNECTIONS
 * while the slow ones still run. Leases that are really lost (responses dropped unclosed) are returned
 * by leak protection. Only judged from the second check on.
 */
public final class WedgedPoolCheck implements HealthCheck {

    @Override
    public Optional<Verdict> evaluate(CheckInput input) {
        PoolStats stats = input.stats();
        // max, leased and pending must be known (a library that cannot tell is never judged stalled)
        boolean allLeased = stats.max() > 0 && stats.leased() >= stats.max();
        if (input.firstCheck() || !allLeased || stats.pending() <= 0 || input.leaseActivity() > 0) {
            return Optional.empty();
        }
        return Optional.of(Verdict.degraded("stalled: all " + stats.max() + " connections leased, " + stats.pending()
                + " waiting, none released in the last " + Durations.describe(input.elapsed())));
    }
}
