package io.httppool.agent.pool;

import io.httppool.agent.config.AgentConfig;

/**
 * What one managed pool enforces, from the agent's settings and the limits the application set on its
 * client builder, in library-independent units (milliseconds).
 *
 * @param gated            the agent's limits apply (the application set none of its own); otherwise the
 *                         library's pool enforces the application's limits its own way
 * @param keepAliveMillis  in place of the library's default keep-alive; 0 keeps no idle connection
 * @param demandWindowMillis how far back the most leases held at once count when idle connections are trimmed
 *                         (see {@link RecentPeak}): one health interval, at least {@link RecentPeak#MIN_WINDOW_MILLIS}
 */
public record PoolPolicy(boolean gated, int maxTotal, int maxPerRoute, LeaseGate.OnExhausted onExhausted,
                         long poolTimeoutMillis, long keepAliveMillis, int maxIdle, String leakStacks,
                         ConnectionLifetime lifetime, long connectTimeoutMillis, long readTimeoutMillis,
                         long validateAfterInactivityMillis, long demandWindowMillis) {

    /**
     * @param appTotal    the application's total limit, 0 or less when it set none
     * @param appPerRoute the application's per-route limit, 0 or less when it set none. Where the
     *                    application set one limit only, the agent's value stands in for the library's
     *                    default of the other (the library's few per host would throttle every client
     *                    sharing the pool).
     */
    public static PoolPolicy of(AgentConfig config, int appTotal, int appPerRoute) {
        boolean applicationLimits = appTotal > 0 || appPerRoute > 0;
        return new PoolPolicy(!applicationLimits,
                appTotal > 0 ? appTotal : config.maxConnections(),
                appPerRoute > 0 ? appPerRoute : config.maxConnectionsPerRoute(),
                "wait".equals(config.onExhausted()) ? LeaseGate.OnExhausted.WAIT : LeaseGate.OnExhausted.OVERFLOW,
                config.poolTimeout().toMillis(), config.keepAliveExpiry().toMillis(), config.maxKeepAliveConnections(),
                config.leakStacks(), new ConnectionLifetime(config.maxConnectionLifetime().toMillis()),
                config.connectTimeout().toMillis(), config.readTimeout().toMillis(), config.validateAfterInactivity().toMillis(),
                Math.max(RecentPeak.MIN_WINDOW_MILLIS, config.healthInterval().toMillis()));
    }

    /** The gate that applies the agent's limits, or null when the application's own apply. */
    public LeaseGate newGate(Clock clock) {
        return gated ? new LeaseGate(maxTotal, maxPerRoute, onExhausted, clock) : null;
    }
}
