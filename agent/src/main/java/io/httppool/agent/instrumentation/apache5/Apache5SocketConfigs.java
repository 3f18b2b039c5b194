package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The per-connection settings of a pool on HttpClient 5.0/5.1, which has no {@code ConnectionConfig}:
 * the read timeout is the builder's default {@code SocketConfig} (the agent's HTTP_READ_TIMEOUT when the
 * application set none), stale-connection validation the builder's {@code validateAfterInactivity}
 * (tightened as on 5.2+), and the connect timeout comes with each request from {@code RequestConfig}
 * (the agent's HTTP_CONNECT_TIMEOUT in place of the library's 3-minute default).
 */
final class Apache5SocketConfigs implements Apache5ConnectionSettings {

    private static final TimeValue LIBRARY_DEFAULT_CONNECT_TIMEOUT = TimeValue.ofMinutes(3);

    private final SocketConfig applicationSocketConfig;
    private final TimeValue applicationValidateAfterInactivity;
    private final TimeValue applicationTimeToLive;
    private final Timeout readTimeout;
    private final Timeout connectTimeout;
    private final TimeValue validateAfterInactivity;

    Apache5SocketConfigs(SocketConfig applicationSocketConfig, TimeValue applicationValidateAfterInactivity,
                         TimeValue applicationTimeToLive, AgentConfig config) {
        this.applicationSocketConfig = applicationSocketConfig;
        this.applicationValidateAfterInactivity = applicationValidateAfterInactivity;
        this.applicationTimeToLive = applicationTimeToLive;
        this.readTimeout = Timeout.ofMilliseconds(config.readTimeout().toMillis());
        this.connectTimeout = Timeout.ofMilliseconds(config.connectTimeout().toMillis());
        this.validateAfterInactivity = TimeValue.ofMilliseconds(config.validateAfterInactivity().toMillis());
    }

    /** From the fields of a 5.0/5.1 builder, which has no getters. */
    static Apache5SocketConfigs of(PoolingHttpClientConnectionManagerBuilder template, AgentConfig config)
            throws ReflectiveOperationException {
        return new Apache5SocketConfigs((SocketConfig) Apache5PoolFactory.readField(template, "defaultSocketConfig"),
                (TimeValue) Apache5PoolFactory.readField(template, "validateAfterInactivity"),
                (TimeValue) Apache5PoolFactory.readField(template, "timeToLive"), config);
    }

    @Override
    public void applyTo(PoolingHttpClientConnectionManagerBuilder builder) {
        if (applicationSocketConfig == null) {
            builder.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(readTimeout).build());
        }
        TimeValue theirs = applicationValidateAfterInactivity;
        if (theirs == null || theirs.toMilliseconds() < 0 || theirs.compareTo(validateAfterInactivity) > 0) {
            builder.setValidateAfterInactivity(validateAfterInactivity);
        }
    }

    @Override
    public boolean appSetTimeToLive(HttpRoute route) {
        return applicationTimeToLive != null && applicationTimeToLive.toMilliseconds() > 0;
    }

    @Override
    public TimeValue connectTimeout(TimeValue requested) {
        return requested == null || LIBRARY_DEFAULT_CONNECT_TIMEOUT.equals(requested) ? connectTimeout : requested;
    }
}
