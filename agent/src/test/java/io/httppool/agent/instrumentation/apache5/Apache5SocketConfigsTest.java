package io.httppool.agent.instrumentation.apache5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.config.ConfigLoader;
import java.util.Map;
import java.util.Properties;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

/** HttpClient 5.0/5.1 settings: the agent's values fill in only the library's defaults. */
class Apache5SocketConfigsTest {

    private static final AgentConfig CONFIG = ConfigLoader.load(null, new Properties(),
            Map.of("HTTP_CONNECT_TIMEOUT", "4", "HTTP_READ_TIMEOUT", "7"));

    @Test
    void theAgentsConnectTimeoutReplacesOnlyTheLibraryDefault() {
        Apache5SocketConfigs settings = new Apache5SocketConfigs(null, null, null, CONFIG);
        assertEquals(TimeValue.ofMilliseconds(4_000), settings.connectTimeout(TimeValue.ofMinutes(3)), "RequestConfig's default");
        assertEquals(TimeValue.ofMilliseconds(4_000), settings.connectTimeout(null));
        assertEquals(TimeValue.ofSeconds(2), settings.connectTimeout(TimeValue.ofSeconds(2)), "what the application set stands");
    }

    @Test
    void theAgentsReadTimeoutIsTheSocketConfigOnlyWhereTheApplicationSetNone() {
        assertEquals(Timeout.ofSeconds(7), socketTimeoutAppliedBy(new Apache5SocketConfigs(null, null, null, CONFIG)));
        SocketConfig theirs = SocketConfig.custom().setSoTimeout(Timeout.ofSeconds(1)).build();
        assertEquals(null, socketTimeoutAppliedBy(new Apache5SocketConfigs(theirs, null, null, CONFIG)),
                "the application's own socket config stays on its builder, untouched");
    }

    @Test
    void aTimeToLiveTheApplicationSetWinsOverTheAgentsLifetime() {
        assertFalse(new Apache5SocketConfigs(null, null, null, CONFIG).appSetTimeToLive(null));
        assertTrue(new Apache5SocketConfigs(null, null, TimeValue.ofMinutes(1), CONFIG).appSetTimeToLive(null));
    }

    /**
     * The socket timeout {@code applyTo} put on a builder, or null if it set none. (The 5.5 on this class path
     * keeps setDefaultSocketConfig as a resolver: asked for any route, it answers the config set.)
     */
    @SuppressWarnings("unchecked")
    private static Timeout socketTimeoutAppliedBy(Apache5SocketConfigs settings) {
        org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder builder =
                org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create();
        settings.applyTo(builder);
        try {
            Object resolver = Apache5PoolFactory.readField(builder, "socketConfigResolver");
            return resolver == null ? null
                    : ((org.apache.hc.core5.function.Resolver<Object, SocketConfig>) resolver).resolve(null).getSoTimeout();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
