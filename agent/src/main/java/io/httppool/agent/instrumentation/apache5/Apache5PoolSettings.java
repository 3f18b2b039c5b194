package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.pool.LeaseGate;
import io.httppool.agent.pool.PoolPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * What one managed HttpClient 5 pool enforces: the library-independent {@link PoolPolicy}, in HttpClient 5's
 * own types where its calls take them.
 *
 * @param keepAliveExpiry   in place of the library's 3-minute default; null keeps no idle connection
 * @param connectionSettings per-connection settings (timeouts; whether the application set a time-to-live)
 */
record Apache5PoolSettings(PoolPolicy policy, Timeout poolTimeout, TimeValue keepAliveExpiry,
                           Apache5ConnectionSettings connectionSettings) {

    /** @param appTotal, appPerRoute the limits the application set on its builder, 0 when none */
    static Apache5PoolSettings of(AgentConfig config, int appTotal, int appPerRoute, Apache5ConnectionSettings connectionSettings) {
        PoolPolicy policy = PoolPolicy.of(config, appTotal, appPerRoute);
        return new Apache5PoolSettings(policy, Timeout.ofMilliseconds(policy.poolTimeoutMillis()),
                policy.keepAliveMillis() > 0 ? TimeValue.ofMilliseconds(policy.keepAliveMillis()) : null, connectionSettings);
    }

    boolean gated() {
        return policy.gated();
    }

    int maxTotal() {
        return policy.maxTotal();
    }

    int maxPerRoute() {
        return policy.maxPerRoute();
    }

    LeaseGate.OnExhausted onExhausted() {
        return policy.onExhausted();
    }
}
