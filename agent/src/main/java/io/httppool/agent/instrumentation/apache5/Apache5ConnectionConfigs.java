package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.function.Resolver;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The per-connection settings of a managed pool on HttpClient 5.2+. Where the application configured none, the agent's
 * timeouts apply. Where it did, its values stand, with one exception: stale-connection validation.
 * A per-request client never reuses a connection, so it never meets one the server closed; a shared
 * pool does, so it validates connections idle longer than HTTP_POOL_VALIDATE_AFTER_INACTIVITY
 * (the library's 2 s would let a POST fail on a connection closed a second ago).
 */
public final class Apache5ConnectionConfigs implements Resolver<HttpRoute, ConnectionConfig>, Apache5ConnectionSettings {

    private final Resolver<HttpRoute, ConnectionConfig> applicationResolver;
    private final ConnectionConfig agentDefault;
    private final TimeValue validateAfterInactivity;
    // One-entry cache: resolvers almost always return the same config instance for every route.
    // One immutable pair in one field, so a reader never pairs one route's config with another's.
    private volatile ConnectionConfig[] last = new ConnectionConfig[2];

    Apache5ConnectionConfigs(Resolver<HttpRoute, ConnectionConfig> applicationResolver, AgentConfig config) {
        this.applicationResolver = applicationResolver;
        this.validateAfterInactivity = TimeValue.ofMilliseconds(config.validateAfterInactivity().toMillis());
        this.agentDefault = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.ofMilliseconds(config.connectTimeout().toMillis()))
                .setSocketTimeout(Timeout.ofMilliseconds(config.readTimeout().toMillis()))
                .setValidateAfterInactivity(validateAfterInactivity)
                .build();
    }

    @Override
    public ConnectionConfig resolve(HttpRoute route) {
        ConnectionConfig configured = applicationResolver != null ? applicationResolver.resolve(route) : null;
        if (configured == null) {
            return agentDefault;
        }
        ConnectionConfig[] cached = last;
        if (cached[0] == configured) {
            return cached[1];
        }
        ConnectionConfig tightened = tighten(configured);
        last = new ConnectionConfig[] {configured, tightened};
        return tightened;
    }

    @Override
    public void applyTo(PoolingHttpClientConnectionManagerBuilder builder) {
        builder.setConnectionConfigResolver(this);
    }

    /** 5.2+ takes the connect timeout from ConnectionConfig (above); what a request passes stands. */
    @Override
    public TimeValue connectTimeout(TimeValue requested) {
        return requested;
    }

    @Override
    public boolean appSetTimeToLive(HttpRoute route) {
        ConnectionConfig configured = applicationResolver != null ? applicationResolver.resolve(route) : null;
        return configured != null && configured.getTimeToLive() != null;
    }

    private ConnectionConfig tighten(ConnectionConfig configured) {
        TimeValue theirs = configured.getValidateAfterInactivity();
        if (theirs != null && theirs.toMilliseconds() >= 0 && theirs.compareTo(validateAfterInactivity) <= 0) {
            return configured;
        }
        return ConnectionConfig.copy(configured).setValidateAfterInactivity(validateAfterInactivity).build();
    }
}
