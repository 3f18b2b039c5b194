package io.httppool.agent.health;

import io.httppool.agent.pool.PoolStats;
import java.util.Optional;

/**
 * DEGRADED when requests went beyond HTTP_MAX_CONNECTIONS since the last check (HTTP_POOL_ON_EXHAUSTED=overflow):
 * nothing failed, but those requests paid for new connections that the pool then closed. Raising the
 * limit lets the pool keep them.
 */
public final class OverflowCheck implements HealthCheck {

    @Override
    public Optional<Verdict> evaluate(CheckInput input) {
        long overflows = input.sinceLastCheck().overflows();
        if (overflows <= 0) {
            return Optional.empty();
        }
        return Optional.of(Verdict.degraded("overflow: " + overflows + (overflows == 1 ? " request" : " requests")
                + " above HTTP_MAX_CONNECTIONS" + (PoolStats.known(input.stats().max()) ? "=" + input.stats().max() : "")
                + " in the last interval"));
    }
}
