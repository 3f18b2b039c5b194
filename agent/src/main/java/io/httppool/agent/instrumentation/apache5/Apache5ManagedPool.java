package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolStats;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/** One managed HttpClient 5 connection manager, shared by every client whose connection setup matches. */
final class Apache5ManagedPool implements ManagedPool {

    private final String name;
    private final String library;
    private final String setup;
    private final PoolingHttpClientConnectionManager manager;
    private final int maxIdle;
    private final TimeValue keepAliveExpiry;
    private final Timeout poolTimeout;

    Apache5ManagedPool(String name, String library, String setup, PoolingHttpClientConnectionManager manager,
                       int maxIdle, TimeValue keepAliveExpiry, Timeout poolTimeout) {
        this.name = name;
        this.library = library;
        this.setup = setup;
        this.manager = manager;
        this.maxIdle = maxIdle;
        this.keepAliveExpiry = keepAliveExpiry;
        this.poolTimeout = poolTimeout;
    }

    PoolingHttpClientConnectionManager manager() {
        return manager;
    }

    int maxIdle() {
        return maxIdle;
    }

    TimeValue keepAliveExpiry() {
        return keepAliveExpiry;
    }

    Timeout poolTimeout() {
        return poolTimeout;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String library() {
        return library;
    }

    @Override
    public String setup() {
        return setup;
    }

    @Override
    public PoolStats stats() {
        org.apache.hc.core5.pool.PoolStats stats = manager.getTotalStats();
        return new PoolStats(stats.getLeased(), stats.getAvailable(), stats.getPending(), stats.getMax());
    }

    @Override
    public boolean isOpen() {
        return !manager.isClosed();
    }

    @Override
    public String toString() {
        return name + " (" + setup + ")";
    }
}
