package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.instrumentation.PrivateFields;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.pool.PoolEntry;

/**
 * HttpClient 5.0 and 5.1: per-connection settings are the builder's socket config, validation interval and
 * time-to-live, and the connect timeout comes with each request ({@link Apache5SocketConfigs}). An entry's
 * creation time and a manager's closed flag are private fields there; when they cannot be read, connection
 * lifetime is not enforced and a manager is taken as open.
 */
final class Apache5Api50 implements Apache5VersionApi {

    private static final MethodHandle ENTRY_CREATED = PrivateFields.getter(PoolEntry.class, "created");
    private static final MethodHandle MANAGER_CLOSED =
            PrivateFields.getter(PoolingHttpClientConnectionManager.class, "closed");

    @Override
    public Apache5ConnectionSettings connectionSettings(PoolingHttpClientConnectionManagerBuilder template, AgentConfig config)
            throws ReflectiveOperationException {
        return Apache5SocketConfigs.of(template, config);
    }

    @Override
    public long createdMillis(PoolEntry<?, ?> entry) {
        if (ENTRY_CREATED == null) {
            return -1;
        }
        try {
            return (Long) ENTRY_CREATED.invoke(entry);
        } catch (Throwable unreadable) {
            return -1;
        }
    }

    @Override
    public boolean isClosed(PoolingHttpClientConnectionManager manager) {
        if (MANAGER_CLOSED == null) {
            return false;
        }
        try {
            return ((AtomicBoolean) MANAGER_CLOSED.invoke(manager)).get();
        } catch (Throwable unreadable) {
            return false;
        }
    }
}
