package io.httppool.agent.pool;

/** The verdict of a health check on one pool. */
public enum HealthState {
    /** Open, connections succeed, nobody waits long. */
    HEALTHY,
    /** Working but under strain (waiters, exhaustion, recent connection failures); no action beyond reporting. */
    DEGRADED,
    /** Unusable: shut down, or every new connection fails; the health monitor recreates it. */
    UNHEALTHY
}
