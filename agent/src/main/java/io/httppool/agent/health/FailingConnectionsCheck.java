package io.httppool.agent.health;

import io.httppool.agent.metrics.CounterSnapshot;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import java.util.Optional;

/**
 * DEGRADED when connections were attempted since the last check and none could be made. Most often the
 * upstream is down, which a new pool would not fix: so this is reported, not recovered from.
 */
public final class FailingConnectionsCheck implements HealthCheck {

    @Override
    public Optional<Verdict> evaluate(CheckInput input) {
        CounterSnapshot interval = input.sinceLastCheck();
        long failed = interval.errors(ErrorKind.CONNECT) + interval.errors(ErrorKind.TLS);
        if (failed == 0 || interval.connectionsCreated() > 0) {
            return Optional.empty();
        }
        return Optional.of(Verdict.degraded("every new connection failed (" + failed + (failed == 1 ? " error)" : " errors)")));
    }
}
