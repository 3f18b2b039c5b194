package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.BasicManagedPool;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.PoolStats;
import java.time.Duration;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorStatus;
import org.apache.hc.core5.util.TimeValue;

/**
 * The one minimal client ({@code MinimalHttpAsyncClient} or {@code MinimalH2AsyncClient}) that every
 * no-argument {@code HttpAsyncClients.createMinimal()} (or {@code createHttp2Minimal()}) of a class loader
 * returns: its I/O reactor threads and connections are shared. The class is final, so there is no client of
 * the application's own around it; the application holds the shared client itself, and its {@code close()}
 * is ignored (see {@link Apache5AsyncMinimalClients}).
 *
 * <p>Because applications hold it, the client is not replaced while it runs: lifetime, recreation (health
 * check, JMX) and eviction close its connections when idle instead. Only a client that stopped running
 * anyway (shut down around the agent's hooks, or after an Error in its reactor) is replaced, for the
 * clients created afterwards. HTTP/1 ({@code createMinimal()}): the agent's connection manager, with the
 * agent's limits and timeouts as for {@code createDefault()}; HTTP/2 ({@code createHttp2Minimal()}): the
 * library keeps one multiplexed connection per host itself, and there are no occupancy figures.
 */
final class Apache5AsyncMinimalPool extends BasicManagedPool {

    private final Apache5AsyncSetup.Protocol protocol;
    private final AgentConfig config;
    private final Clock clock;
    /** See {@link Apache5AsyncIdleConnections#trimAfterMillis}. */
    private final long demandWindowMillis;
    private volatile Shared current; // null only while the first client is built

    /** A started minimal client and its connection manager (null for HTTP/2). */
    private record Shared(CloseableHttpAsyncClient client, PoolingAsyncClientConnectionManager manager) {
        boolean running() {
            IOReactorStatus status = client.getStatus();
            return status == IOReactorStatus.ACTIVE || status == IOReactorStatus.INACTIVE;
        }
    }

    Apache5AsyncMinimalPool(String name, String library, String kind, Apache5AsyncSetup.Protocol protocol, AgentConfig config,
                            Clock clock) {
        super(name, library, kind);
        this.protocol = protocol;
        this.config = config;
        this.clock = clock;
        this.demandWindowMillis = Apache5AsyncIdleConnections.trimAfterMillis(config);
        this.current = start();
    }

    private Shared start() {
        PoolingAsyncClientConnectionManager manager = null;
        CloseableHttpAsyncClient client;
        if (protocol == Apache5AsyncSetup.Protocol.HTTP) {
            manager = Apache5AsyncManagers.build(null, false, config);
            // The library's createMinimal() is this overload with a manager of the builder's defaults.
            client = HttpAsyncClients.createMinimal(manager);
        } else {
            client = HttpAsyncClients.createHttp2Minimal(H2Config.DEFAULT); // what createHttp2Minimal() calls
        }
        client.start();
        return new Shared(client, manager);
    }

    /** The shared client for a {@code createMinimal()} now: the running one, or a new one if it stopped. */
    CloseableHttpAsyncClient client() {
        Shared shared = current;
        if (shared.running()) {
            return shared.client();
        }
        synchronized (this) {
            if (!current.running()) {
                replace("the shared minimal client was shut down");
            }
            return current.client();
        }
    }

    /** Only for a client that stopped: the application may hold the old one, which can serve no one anyway. */
    private void replace(String reason) {
        Shared old = current;
        current = start(); // from now on the old client is not this pool's: its close() is the library's again
        AgentLog.log().warn("Pool {}: {}; a new one serves the clients created from now on", name(), reason);
        try {
            old.client().close(CloseMode.IMMEDIATE);
        } catch (RuntimeException error) {
            AgentErrors.record("closing a stopped minimal async client", error);
        }
    }

    /** True when {@code client} is this pool's shared client now. */
    boolean serves(Object client) {
        Shared shared = current;
        return shared != null && shared.client() == client;
    }

    void requested() {
        counters().request();
    }

    // ---- ManagedPool ---------------------------------------------------------------------------------

    @Override
    public PoolStats stats() {
        PoolingAsyncClientConnectionManager manager = current.manager();
        if (manager == null) {
            return PoolStats.NONE;
        }
        org.apache.hc.core5.pool.PoolStats stats = manager.getTotalStats();
        return new PoolStats(stats.getLeased(), stats.getAvailable(), stats.getPending(),
                Apache5AsyncManagers.limits(null, config)[0] >= Apache5AsyncManagers.UNBOUNDED ? config.maxConnections()
                        : Apache5AsyncManagers.limits(null, config)[0]);
    }

    @Override
    public boolean isOpen() {
        return current.running();
    }

    @Override
    public int maintain(Duration idleExpiry, int maxIdle) {
        PoolingAsyncClientConnectionManager manager = current.manager();
        if (manager == null) {
            return 0;
        }
        int before = manager.getTotalStats().getAvailable();
        Apache5AsyncIdleConnections.closeExpiredAndIdle(manager, idleExpiry.toMillis());
        Apache5AsyncIdleConnections.trim(manager, demandWindowMillis, config.maxConnections(), maxIdle, 0, clock.currentTimeMillis());
        return Math.max(0, before - manager.getTotalStats().getAvailable());
    }

    /** Every second: idle connections beyond the keep-alive limit, and idle ones past their lifetime. */
    @Override
    public void housekeep() {
        PoolingAsyncClientConnectionManager manager = current.manager();
        long now = clock.currentTimeMillis();
        Apache5AsyncIdleConnections.trim(manager, demandWindowMillis, config.maxConnections(), config.maxKeepAliveConnections(),
                Apache5AsyncManagedPool.IDLE_BEYOND_LIMIT_MILLIS, now);
        int expired = Apache5AsyncIdleConnections.closeIdleOlderThan(manager, config.maxConnectionLifetime().toMillis(), now);
        for (int i = 0; i < expired; i++) {
            counters().expiredByLifetime();
        }
    }

    @Override
    public int evictIdle() {
        PoolingAsyncClientConnectionManager manager = current.manager();
        if (manager == null) {
            return 0;
        }
        int idle = manager.getTotalStats().getAvailable();
        manager.closeIdle(TimeValue.ZERO_MILLISECONDS);
        return idle;
    }

    /**
     * A client that stopped is replaced; a running one keeps its reactor (applications hold it) and loses
     * its idle connections, so new requests open fresh ones.
     */
    @Override
    public synchronized void recreate(String reason) {
        counters().recreated();
        if (!current.running()) {
            replace(reason);
            return;
        }
        int evicted = evictIdle();
        AgentLog.log().warn("Pool {} recreated: {}. Its {} idle connections were closed; the minimal client itself stays,"
                + " as the application holds it.", name(), reason, evicted);
    }

    /** JVM exit: waits up to {@code grace} for leased connections, then closes idle ones; the client stays usable. */
    @Override
    public void shutdown(Duration grace) {
        PoolingAsyncClientConnectionManager manager = current.manager();
        if (manager == null) {
            return;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (manager.getTotalStats().getLeased() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            manager.closeIdle(TimeValue.ZERO_MILLISECONDS);
        } catch (RuntimeException error) {
            AgentErrors.record("closing " + name() + " at exit", error);
        }
    }
}
