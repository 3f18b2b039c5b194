package io.httppool.agent.health;

import java.util.Optional;

/**
 * UNHEALTHY when the pool serving new leases is closed. HttpClient 5 closes even a shared connection
 * manager after an Error mid-request (HTTPCLIENT-2133); every later request would then fail.
 */
public final class PoolShutDownCheck implements HealthCheck {

    @Override
    public Optional<Verdict> evaluate(CheckInput input) {
        return input.open() ? Optional.empty() : Optional.of(Verdict.unhealthy("shut down"));
    }
}
