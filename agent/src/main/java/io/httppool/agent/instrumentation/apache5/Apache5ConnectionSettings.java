package io.httppool.agent.instrumentation.apache5;

import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;

/**
 * The per-connection settings of one managed pool (timeouts, stale-connection validation): the
 * application's where it set them, the agent's where it left the library's defaults.
 */
interface Apache5ConnectionSettings {

    /** Puts these settings on the builder that makes the pool's real manager. */
    void applyTo(PoolingHttpClientConnectionManagerBuilder builder);

    /** Whether the application set a time-to-live for {@code route} (it then wins over the agent's lifetime). */
    boolean appSetTimeToLive(HttpRoute route);

    /** The connect timeout for a connection the library connects with {@code requested}. */
    TimeValue connectTimeout(TimeValue requested);
}
