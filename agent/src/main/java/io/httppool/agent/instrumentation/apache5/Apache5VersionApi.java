package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.pool.PoolEntry;

/**
 * The few things the agent does differently on HttpClient 5.0/5.1 and on 5.2+: where per-connection
 * settings live (5.2 added {@code ConnectionConfig}), and two accessors 5.2 made public. Everything else
 * the hooks use is the same in every 5.x. The implementation for this copy of the library is chosen once,
 * by {@link Apache5Versions}; the other is never loaded, so its references to missing classes never link.
 */
interface Apache5VersionApi {

    /** The per-connection settings of a new pool, from the application's builder and the agent's settings. */
    Apache5ConnectionSettings connectionSettings(PoolingHttpClientConnectionManagerBuilder template, AgentConfig config)
            throws ReflectiveOperationException;

    /** When the entry's connection was made (epoch millis), or -1 when this version cannot tell. */
    long createdMillis(PoolEntry<?, ?> entry);

    boolean isClosed(PoolingHttpClientConnectionManager manager);
}
