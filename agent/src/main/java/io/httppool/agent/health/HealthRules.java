package io.httppool.agent.health;

import io.httppool.agent.log.AgentErrors;
import java.util.List;
import java.util.Optional;

/** An ordered set of {@link HealthCheck}s: the worst verdict wins, the earlier rule on a tie. */
public final class HealthRules {

    private final List<HealthCheck> checks;

    public HealthRules(List<HealthCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The agent's rules, most specific first so that ties keep the most telling reason. */
    public static HealthRules standard() {
        return new HealthRules(List.of(
                new PoolShutDownCheck(),
                new WedgedPoolCheck(),
                new FailingConnectionsCheck(),
                new OverflowCheck(),
                new WaitersCheck()));
    }

    public Verdict evaluate(CheckInput input) {
        Verdict worst = Verdict.HEALTHY;
        for (HealthCheck check : checks) {
            try {
                Optional<Verdict> verdict = check.evaluate(input);
                if (verdict.isPresent() && verdict.get().worseThan(worst)) {
                    worst = verdict.get();
                }
            } catch (Throwable error) {
                // A faulty rule must not stop the others from judging the pool.
                AgentErrors.record("health rule " + check.getClass().getSimpleName(), error);
            }
        }
        return worst;
    }
}
