package io.httppool.agent.health;

import io.httppool.agent.config.AgentConfig;
import java.time.Duration;

/**
 * The settings the health monitor acts on.
 *
 * @param interval      HTTP_POOL_HEALTH_INTERVAL: delay between the end of one check and the start of the next
 * @param idleExpiry    HTTP_KEEPALIVE_EXPIRY: idle connections older than this are closed
 * @param maxIdle       HTTP_MAX_KEEPALIVE_CONNECTIONS: idle connections beyond this many are closed
 * @param leakThreshold HTTP_POOL_LEAK_THRESHOLD: leases held longer are reported; zero turns that off
 */
public record HealthSettings(Duration interval, Duration idleExpiry, int maxIdle, Duration leakThreshold) {

    public static HealthSettings from(AgentConfig config) {
        return new HealthSettings(config.healthInterval(), config.keepAliveExpiry(), config.maxKeepAliveConnections(),
                config.leakThreshold());
    }
}
