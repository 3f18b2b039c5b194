package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.pool.ConnectionLifetime;
import io.httppool.agent.pool.LeaseGate;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * What one managed HttpClient 5 pool enforces, from the agent's settings and what the application's
 * builder set.
 *
 * @param gated             the agent's limits apply (the application set no limit of its own on the builder);
 *                          otherwise the library's pool enforces the application's limits its own way
 * @param keepAliveExpiry   in place of the library's 3-minute default; null keeps no idle connection
 * @param connectionSettings per-connection settings (timeouts; whether the application set a time-to-live)
 */
record Apache5PoolSettings(boolean gated, int maxTotal, int maxPerRoute, LeaseGate.OnExhausted onExhausted,
                           Timeout poolTimeout, TimeValue keepAliveExpiry, int maxIdle, String leakStacks,
                           ConnectionLifetime lifetime, Apache5ConnectionSettings connectionSettings) {

    static Apache5PoolSettings of(AgentConfig config, boolean applicationLimits, int maxTotal, int maxPerRoute,
                                  Apache5ConnectionSettings connectionSettings) {
        long keepAliveMillis = config.keepAliveExpiry().toMillis();
        return new Apache5PoolSettings(!applicationLimits, maxTotal, maxPerRoute,
                "wait".equals(config.onExhausted()) ? LeaseGate.OnExhausted.WAIT : LeaseGate.OnExhausted.OVERFLOW,
                Timeout.ofMilliseconds(config.poolTimeout().toMillis()),
                keepAliveMillis > 0 ? TimeValue.ofMilliseconds(keepAliveMillis) : null,
                config.maxKeepAliveConnections(), config.leakStacks(),
                new ConnectionLifetime(config.maxConnectionLifetime().toMillis()), connectionSettings);
    }
}
