package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.instrumentation.AdviceErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolStats;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One managed HttpClient 5 pool, shared by every client whose connection setup matches. Clients hold a
 * real {@link PoolingHttpClientConnectionManager}; when the pool is recreated, the manager they hold is
 * retired: its own leases finish there, and new leases through it are redirected to the current manager.
 */
final class Apache5ManagedPool implements ManagedPool {

    static final long MIN_FATAL_RECREATE_SPACING_MILLIS = 10_000;
    private volatile long lastFatalRecreate;
    private volatile boolean everRecreated;
    /** The library's defaults for "the application did not say": RequestConfig's 3 minutes. */
    private static final Timeout LIBRARY_DEFAULT_REQUEST_TIMEOUT = Timeout.ofMinutes(3);
    private static final TimeValue LIBRARY_DEFAULT_KEEP_ALIVE = TimeValue.ofMinutes(3);

    private final String name;
    private final String library;
    private final String setup;
    private final Supplier<PoolingHttpClientConnectionManager> factory;
    private final int maxIdle;
    private final TimeValue keepAliveExpiry;
    private final Timeout poolTimeout;
    private final PoolCounters counters = new PoolCounters();
    private final Apache5LeakTracker leaks;
    private final Apache5RouteFailures routeFailures;
    private final List<Retired> retired = new CopyOnWriteArrayList<>();
    private final Map<ConnectionEndpoint, PoolingHttpClientConnectionManager> redirectedOwners =
            Collections.synchronizedMap(new WeakHashMap<>());
    private volatile PoolingHttpClientConnectionManager current;
    /** One instance, so the leak reclaimer watches this pool once however many requests wait. */
    private final java.util.function.BooleanSupplier waitingForConnections = () -> current.getTotalStats().getPending() > 0;

    private record Retired(PoolingHttpClientConnectionManager manager, long sinceMillis) {
    }

    Apache5ManagedPool(String name, String library, String setup, Supplier<PoolingHttpClientConnectionManager> factory,
                       int maxIdle, TimeValue keepAliveExpiry, Timeout poolTimeout) {
        this.name = name;
        this.library = library;
        this.setup = setup;
        this.factory = factory;
        this.maxIdle = maxIdle;
        this.keepAliveExpiry = keepAliveExpiry;
        this.poolTimeout = poolTimeout;
        this.leaks = new Apache5LeakTracker(name, counters, io.httppool.agent.config.AgentConfig.current().leakStacks());
        this.routeFailures = new Apache5RouteFailures(this);
        this.current = factory.get();
    }

    PoolingHttpClientConnectionManager manager() {
        return current;
    }

    /** A manager with this pool's setup that belongs to one client alone (not managed, closed by its client). */
    PoolingHttpClientConnectionManager privateManager() {
        return factory.get();
    }

    boolean isCurrent(PoolingHttpClientConnectionManager manager) {
        return manager == current;
    }

    // ---- request path -------------------------------------------------------------------------------

    /** The agent's pool timeout in place of the library's 3-minute default; the application's choice stands. */
    Timeout effectiveRequestTimeout(Timeout requested) {
        if (requested == null || LIBRARY_DEFAULT_REQUEST_TIMEOUT.equals(requested)) {
            return poolTimeout;
        }
        return requested;
    }

    void beforeLeaseWait() {
        leaks.reclaimIfExhausted(current.getMaxTotal(), waitingForConnections);
    }

    void leased(ConnectionEndpoint endpoint, PoolingHttpClientConnectionManager owner, boolean redirected) {
        counters.request();
        if (redirected) {
            redirectedOwners.put(endpoint, owner);
        }
        leaks.track(endpoint, owner);
    }

    void released(ConnectionEndpoint endpoint) {
        leaks.untrack(endpoint);
    }

    /** The manager that leased {@code endpoint} when that is not {@code via}; null otherwise. */
    PoolingHttpClientConnectionManager ownerIfRedirected(PoolingHttpClientConnectionManager via, ConnectionEndpoint endpoint) {
        if (!everRecreated) {
            return null;
        }
        PoolingHttpClientConnectionManager owner = redirectedOwners.get(endpoint);
        return owner != null && owner != via ? owner : null;
    }

    /**
     * How long a released connection may stay idle: the agent's expiry in place of the library's 3-minute
     * default, otherwise what the server's Keep-Alive header or the application said.
     */
    TimeValue keepAliveOnRelease(TimeValue keepAlive) {
        if (keepAlive != null && LIBRARY_DEFAULT_KEEP_ALIVE.equals(keepAlive)) {
            return keepAliveExpiry;
        }
        return keepAlive;
    }

    /**
     * After a release: beyond HTTP_MAX_KEEPALIVE_CONNECTIONS idle connections, the longest idle ones are
     * closed (as OkHttp and httpx do), so a busy host keeps its fresh connections while a quiet one
     * gives up its old ones.
     */
    void trimIdle(PoolingHttpClientConnectionManager manager) {
        int excess = manager.getTotalStats().getAvailable() - maxIdle;
        if (excess > 0) {
            closeIdleQuietly(manager, Apache5PoolInternals.longestIdle(manager, excess));
        }
    }

    /**
     * HttpClient retries idempotent requests that fail on a connection the server had closed, but never a
     * POST or PATCH; a per-request client never meets such a connection. So before a non-idempotent request
     * goes out on a reused connection, the connection is checked for a server-side close (a read of at
     * most 1 ms) whatever its idle time, and replaced by a fresh one if it was closed.
     */
    void validateBeforeNonIdempotent(ConnectionEndpoint endpoint) {
        String method = Apache5Pools.currentMethod();
        if (method == null || org.apache.hc.core5.http.Method.isIdempotent(method) || !endpoint.isConnected()) {
            return;
        }
        if (Apache5PoolInternals.isStale(endpoint)) {
            endpoint.close(CloseMode.IMMEDIATE);
        }
    }

    TimeoutException exhausted(TimeoutException cause, Timeout waited) {
        counters.error(PoolCounters.ErrorKind.POOL_TIMEOUT);
        PoolStats stats = stats();
        TimeoutException error = new TimeoutException("http-pool-agent: no connection free in pool " + name + " within "
                + waited + " (HTTP_POOL_TIMEOUT): leased=" + stats.leased() + ", available=" + stats.available()
                + ", pending=" + stats.pending() + ", max=" + stats.max()
                + ". Raise HTTP_MAX_CONNECTIONS, or check for responses that are never closed.");
        error.initCause(cause);
        return error;
    }

    void connectFailed(HttpRoute route, Throwable error) {
        // route may be null: then only the error is counted
        counters.error(error instanceof javax.net.ssl.SSLException ? PoolCounters.ErrorKind.TLS : PoolCounters.ErrorKind.CONNECT);
        routeFailures.failed(route);
    }

    void connected(HttpRoute route) {
        counters.connectionCreated();
        if (route != null && route.isSecure() && !route.isTunnelled()) {
            counters.tlsHandshake();
        }
    }

    void exchangeFailed(HttpRoute route) {
        counters.error(PoolCounters.ErrorKind.IO);
        routeFailures.failed(route);
    }

    /**
     * An Error (OutOfMemoryError...) went through a request: the pool's bookkeeping may be torn, start
     * afresh; but at most once per {@value #MIN_FATAL_RECREATE_SPACING_MILLIS} ms, so an interceptor that
     * throws an Error on every request does not churn pools.
     */
    void fatal(Throwable error) {
        counters.error(PoolCounters.ErrorKind.FATAL);
        long now = System.currentTimeMillis();
        if (now - lastFatalRecreate >= MIN_FATAL_RECREATE_SPACING_MILLIS) {
            lastFatalRecreate = now;
            recreate("an Error went through a request: " + error);
        }
    }

    /** Error-triggered refresh: closes the idle connections of one route, leaving other routes alone. */
    int evictIdle(HttpRoute route) {
        int closed = closeIdleQuietly(current, entry -> route.equals(entry.getRoute()));
        counters.refreshed();
        AgentLog.log().info("Pool {}: burst of connection failures to {}, closed its {} idle connection(s)", name, route, closed);
        return closed;
    }

    // ---- ManagedPool ---------------------------------------------------------------------------------

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
        org.apache.hc.core5.pool.PoolStats stats = current.getTotalStats();
        return new PoolStats(stats.getLeased(), stats.getAvailable(), stats.getPending(), stats.getMax());
    }

    @Override
    public PoolCounters counters() {
        return counters;
    }

    @Override
    public boolean isOpen() {
        return !current.isClosed();
    }

    @Override
    public int maintain(Duration idleExpiry, int maxIdleConnections) {
        PoolingHttpClientConnectionManager manager = current;
        int before = manager.getTotalStats().getAvailable();
        manager.closeExpired();
        if (idleExpiry.toMillis() > 0) {
            manager.closeIdle(TimeValue.ofMilliseconds(idleExpiry.toMillis()));
        }
        int excess = manager.getTotalStats().getAvailable() - maxIdleConnections;
        if (excess > 0) {
            closeIdleQuietly(manager, Apache5PoolInternals.longestIdle(manager, excess));
        }
        drainRetired();
        return Math.max(0, before - manager.getTotalStats().getAvailable());
    }

    @Override
    public int evictIdle() {
        PoolingHttpClientConnectionManager manager = current;
        int before = manager.getTotalStats().getAvailable();
        manager.closeIdle(TimeValue.ZERO_MILLISECONDS);
        return Math.max(0, before - manager.getTotalStats().getAvailable());
    }

    @Override
    public synchronized void recreate(String reason) {
        PoolingHttpClientConnectionManager old = current;
        PoolingHttpClientConnectionManager fresh = factory.get();
        Apache5Pools.adopt(fresh, this);
        // Redirects first: once current changes, releases through the old manager must find their owner.
        everRecreated = true;
        retired.add(new Retired(old, System.currentTimeMillis()));
        Apache5Pools.retire(old, this);
        current = fresh;
        counters.recreated();
        AgentLog.log().warn("Pool {} recreated: {}. New requests use a fresh pool; requests in flight finish on the old one.",
                name, reason);
        drainRetired();
    }

    /**
     * JVM shutdown: requests in flight get up to {@code grace} to finish, then every idle connection is
     * closed gracefully and replaced pools are closed. The current pool itself stays open: other shutdown
     * hooks (deregistering from a service registry, flushing to a collector) may still send requests, and a
     * per-request client would still have served them.
     */
    @Override
    public void shutdown(Duration grace) {
        long deadline = System.currentTimeMillis() + grace.toMillis();
        while (current.getTotalStats().getLeased() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Retired old : retired) {
            Apache5Pools.closeByAgent(old.manager(), CloseMode.GRACEFUL);
        }
        evictIdle();
    }

    @Override
    public int reportLongLeases(Duration threshold) {
        return leaks.reportLongLeases(threshold);
    }

    /**
     * Closes replaced managers once no request uses them (never earlier: a long download on the old pool
     * must finish) and forgets closed ones that no client can reach any more.
     */
    private void drainRetired() {
        for (Retired old : retired) {
            if (!old.manager().isClosed() && old.manager().getTotalStats().getLeased() == 0) {
                Apache5Pools.closeByAgent(old.manager(), CloseMode.GRACEFUL);
            }
        }
        retired.removeIf(old -> old.manager().isClosed());
    }

    private int closeIdleQuietly(PoolingHttpClientConnectionManager manager,
                                 java.util.function.Predicate<org.apache.hc.core5.pool.PoolEntry<HttpRoute, ?>> select) {
        try {
            return Apache5PoolInternals.closeIdle(manager, select);
        } catch (Throwable error) {
            AdviceErrors.record("closing idle connections of " + name, error);
            return 0;
        }
    }

    @Override
    public String toString() {
        return name + " (" + setup + ")";
    }
}
