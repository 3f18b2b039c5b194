package io.httppool.agent.metrics;

import io.httppool.agent.pool.HealthState;
import java.time.Instant;

/**
 * The last verdict of the health monitor on one pool. Kept with the figures (not in the health package)
 * because every report shows it next to the pool's counts, and reports must not depend on the monitor.
 *
 * @param state     null until the pool's first check
 * @param checkedAt null until the pool's first check
 */
public record PoolHealth(HealthState state, String reason, Instant checkedAt) {

    /** What reports show for a pool registered after the last check. */
    public static final PoolHealth NOT_CHECKED = new PoolHealth(null, "not checked yet", null);

    /** HEALTHY, DEGRADED, UNHEALTHY, or UNKNOWN before the first check. */
    public String stateName() {
        return state != null ? state.name() : "UNKNOWN";
    }

    /**
     * Only a verdict of UNHEALTHY takes the application's status DOWN. A pool not checked yet has given
     * no sign of trouble: reporting it DOWN would make a readiness probe flap whenever a pool is created.
     */
    public boolean isDown() {
        return state == HealthState.UNHEALTHY;
    }
}
