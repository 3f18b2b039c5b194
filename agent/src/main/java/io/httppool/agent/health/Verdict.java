package io.httppool.agent.health;

import io.httppool.agent.pool.HealthState;

/** A health state with the reason an operator reads next to it. */
public record Verdict(HealthState state, String reason) {

    public static final Verdict HEALTHY = new Verdict(HealthState.HEALTHY, "ok");

    public static Verdict degraded(String reason) {
        return new Verdict(HealthState.DEGRADED, reason);
    }

    public static Verdict unhealthy(String reason) {
        return new Verdict(HealthState.UNHEALTHY, reason);
    }

    /** True when this verdict is worse than {@code other}: HEALTHY < DEGRADED < UNHEALTHY. */
    boolean worseThan(Verdict other) {
        return state.ordinal() > other.state.ordinal();
    }
}
