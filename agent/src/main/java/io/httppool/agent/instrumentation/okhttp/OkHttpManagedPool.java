package io.httppool.agent.instrumentation.okhttp;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.ConnectionLifetime;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.BasicManagedPool;
import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolStats;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;

/**
 * The shared OkHttp pool of one class loader: one {@code ConnectionPool} and one dispatcher executor for every
 * client whose builder left them at their defaults. OkHttp has no limit on connections in use (it opens
 * what its calls need, as per-request clients do) and reports total and idle connections only. Idle
 * connections: OkHttp keeps up to HTTP_MAX_CONNECTIONS of them (beyond it closes one at once) for
 * HTTP_KEEPALIVE_EXPIRY, and the upkeep closes those beyond HTTP_MAX_KEEPALIVE_CONNECTIONS that no call used
 * for a health interval after load stopped, or for a few while calls keep coming ({@link OkHttpIdleTrim}).
 */
final class OkHttpManagedPool extends BasicManagedPool {

    private final ConnectionLifetime lifetime;
    private final HostAddresses hosts;
    private final Clock clock;
    private final int maxIdle;
    private final int keepIdle;
    private final long demandWindowMillis;
    private final long keepAliveMillis;
    private final ExecutorService executor = newDispatcherExecutor();
    /** When each connection of the pool was added, weakly: for HTTP_POOL_MAX_CONNECTION_LIFETIME. */
    private final Map<Object, Long> addedAt = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile ConnectionPool current;
    private volatile Object currentReal;

    /**
     * @param maxIdle            OkHttp's own idle limit, applied at every release (HTTP_MAX_CONNECTIONS)
     * @param keepIdle           idle connections kept once load falls (HTTP_MAX_KEEPALIVE_CONNECTIONS)
     * @param demandWindowMillis how long a connection beyond {@code keepIdle} stays idle before the upkeep closes it
     */
    OkHttpManagedPool(String name, String library, int maxIdle, int keepIdle, long demandWindowMillis, long keepAliveMillis,
                      ConnectionLifetime lifetime, HostAddresses hosts, Clock clock) {
        super(name, library, "default");
        this.maxIdle = Math.max(maxIdle, keepIdle);
        this.keepIdle = keepIdle;
        this.demandWindowMillis = demandWindowMillis;
        this.keepAliveMillis = keepAliveMillis;
        this.lifetime = lifetime;
        this.hosts = hosts;
        this.clock = clock;
        replacePool();
    }

    /** OkHttp's own dispatcher executor, shared: non-daemon "OkHttp Dispatcher" threads, kept 60 s idle. */
    private static ExecutorService newDispatcherExecutor() {
        AtomicInteger number = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "OkHttp Dispatcher");
            thread.setDaemon(false);
            return thread;
        });
    }

    private void replacePool() {
        // OkHttp refuses a keep-alive of 0: then connections are kept for the shortest time it allows.
        ConnectionPool pool = new ConnectionPool(maxIdle, Math.max(1, keepAliveMillis), TimeUnit.MILLISECONDS);
        currentReal = OkHttpInternals.realPoolOf(pool);
        current = pool;
    }

    ConnectionPool connectionPool() {
        return current;
    }

    ExecutorService executor() {
        return executor;
    }

    boolean owns(Object connectionPoolOrReal) {
        return connectionPoolOrReal == current || connectionPoolOrReal == currentReal;
    }

    void connectionAdded(Object connection) throws Exception {
        counters().connectionCreated();
        if (OkHttpInternals.secure(connection)) {
            counters().tlsHandshake();
        }
        addedAt.put(connection, clock.currentTimeMillis());
        String host = OkHttpInternals.host(connection);
        if (host != null) {
            hosts.watch(host);
        }
    }

    /**
     * Every second: connections past their lifetime, or to an address their host name left, are retired; idle
     * ones beyond HTTP_MAX_KEEPALIVE_CONNECTIONS unused for a while are closed ({@link OkHttpIdleTrim}).
     */
    @Override
    public void housekeep() {
        Object real = currentReal;
        try {
            long now = clock.currentTimeMillis();
            List<Object> connections = OkHttpInternals.connections(real);
            for (Object connection : connections) {
                Long added = addedAt.get(connection);
                if (added != null && lifetime.expired(added, now, connection)) {
                    addedAt.remove(connection);
                    OkHttpInternals.retire(connection);
                    counters().expiredByLifetime();
                    continue;
                }
                String host = OkHttpInternals.host(connection);
                InetAddress address = host != null ? OkHttpInternals.remoteAddress(connection) : null;
                if (address != null && !hosts.stillCurrent(host, address) && addedAt.remove(connection) != null) {
                    OkHttpInternals.retire(connection);
                    counters().retiredByDns();
                }
            }
            closeIdleBeyondTheLimit(real, connections);
        } catch (Throwable error) {
            AgentErrors.record("retiring OkHttp connections of " + name(), error);
        }
    }

    private void closeIdleBeyondTheLimit(Object real, List<Object> connections) throws Exception {
        if (connections.size() <= keepIdle) {
            return;
        }
        List<OkHttpIdleTrim.Idle> idle = new ArrayList<>();
        for (Object connection : connections) {
            Long since = OkHttpInternals.idleSinceNanos(connection);
            if (since != null) {
                idle.add(new OkHttpIdleTrim.Idle(connection, since, OkHttpInternals.retired(connection)));
            }
        }
        long window = TimeUnit.MILLISECONDS.toNanos(demandWindowMillis);
        int inUse = connections.size() - idle.size();
        for (Object connection : OkHttpIdleTrim.toClose(idle, inUse, keepIdle, window, clock.nanoTime())) {
            OkHttpInternals.closeIfIdle(real, connection);
        }
    }

    // ---- ManagedPool ---------------------------------------------------------------------------------




    @Override
    public PoolStats stats() {
        ConnectionPool pool = current;
        int total = pool.connectionCount();
        int idle = pool.idleConnectionCount();
        return new PoolStats(Math.max(0, total - idle), idle, PoolStats.UNKNOWN, PoolStats.UNKNOWN);
    }


    @Override
    public boolean isOpen() {
        return true;
    }

    /** OkHttp closes idle connections beyond its idle limit and keep-alive itself. */
    @Override
    public int maintain(Duration idleExpiry, int maxIdleConnections) {
        return 0;
    }

    @Override
    public int evictIdle() {
        ConnectionPool pool = current;
        int idle = pool.idleConnectionCount();
        OkHttpPools.evictAllByAgent(pool);
        return idle;
    }

    /** New clients get a fresh pool; clients made before keep the old one, whose idle connections are closed now. */
    @Override
    public synchronized void recreate(String reason) {
        ConnectionPool old = current;
        replacePool();
        counters().recreated();
        OkHttpPools.evictAllByAgent(old);
        AgentLog.log().warn("Pool {} recreated: {}. New clients use a fresh pool; calls in flight finish on the old one.",
                name(), reason);
    }

    @Override
    public void shutdown(Duration grace) {
        OkHttpPools.evictAllByAgent(current);
    }

}
