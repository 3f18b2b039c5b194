package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.function.Resolver;
import org.apache.hc.core5.pool.PoolEntry;

/** HttpClient 5.2 and later: per-connection settings in {@code ConnectionConfig}. */
final class Apache5Api52 implements Apache5VersionApi {

    @Override
    @SuppressWarnings("unchecked")
    public Apache5ConnectionSettings connectionSettings(PoolingHttpClientConnectionManagerBuilder template, AgentConfig config)
            throws ReflectiveOperationException {
        return new Apache5ConnectionConfigs(
                (Resolver<HttpRoute, ConnectionConfig>) Apache5PoolFactory.readField(template, "connectionConfigResolver"), config);
    }

    @Override
    public long createdMillis(PoolEntry<?, ?> entry) {
        return entry.getCreated();
    }

    @Override
    public boolean isClosed(PoolingHttpClientConnectionManager manager) {
        return manager.isClosed();
    }
}
