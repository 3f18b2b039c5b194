package io.httppool.agent.health;

import java.util.Optional;

/** DEGRADED while requests wait for a connection: the pool is at its limit, callers see added latency. */
public final class WaitersCheck implements HealthCheck {

    @Override
    public Optional<Verdict> evaluate(CheckInput input) {
        int pending = input.stats().pending();
        return pending > 0 ? Optional.of(Verdict.degraded(pending + " waiting for a connection")) : Optional.empty();
    }
}
