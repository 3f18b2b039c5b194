package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.ClientBoundState;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.CurrentRequest;
import io.httppool.agent.pool.ConnectionRetirement;
import io.httppool.agent.pool.FailureBursts;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.LeaseGate;
import io.httppool.agent.pool.LeaseLedger;
import io.httppool.agent.pool.ManagerGenerations;
import io.httppool.agent.pool.LeaseAdmission;
import io.httppool.agent.pool.BasicManagedPool;
import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolStats;
import io.httppool.agent.pool.RecreationGuard;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolEntry;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One managed HttpClient 5 pool, shared by every client whose connection setup matches: HttpClient's own
 * {@link PoolingHttpClientConnectionManager} underneath, and the agent's library-independent parts on
 * top: the {@link LeaseGate} (limits and what happens at them), the {@link LeaseLedger} (who holds which
 * connection: leaks, closed clients), {@link FailureBursts}, {@link HostAddresses} and
 * {@link ConnectionLifetime}. Clients hold the manager; when the pool is recreated the manager they hold
 * is retired: its leases finish there, and new leases through it go to the current manager.
 */
final class Apache5ManagedPool extends BasicManagedPool {

    /** The library's defaults for "the application did not say": RequestConfig's 3 minutes. */
    private static final Timeout LIBRARY_DEFAULT_REQUEST_TIMEOUT = Timeout.ofMinutes(3);
    private static final TimeValue LIBRARY_DEFAULT_KEEP_ALIVE = TimeValue.ofMinutes(3);
    /** Idle connections beyond HTTP_MAX_KEEPALIVE_CONNECTIONS are closed once idle this long (checked every second). */
    static final long IDLE_TRIM_AFTER_MILLIS = 1_000;

    private final Supplier<PoolingHttpClientConnectionManager> factory;
    private final Apache5PoolSettings settings;
    private final Clock clock;
    private final LeaseAdmission admission;
    private final LeaseLedger ledger;
    private final FailureBursts<HttpRoute> failureBursts;
    private final RecreationGuard fatalRecreations;
    private final ConnectionRetirement retirement;
    private final ManagerGenerations<PoolingHttpClientConnectionManager> generations;

    Apache5ManagedPool(String name, String library, String setup, Supplier<PoolingHttpClientConnectionManager> factory,
                       Apache5PoolSettings settings, HostAddresses hosts, Clock clock) {
        super(name, library, setup);
        this.factory = factory;
        this.settings = settings;
        this.clock = clock;
        this.retirement = new ConnectionRetirement(settings.lifetime(), hosts, counters(), clock);
        LeaseGate gate = settings.gated() ? new LeaseGate(settings.maxTotal(), settings.maxPerRoute(), settings.onExhausted(), clock) : null;
        this.admission = new LeaseAdmission(name, counters(), gate, () -> manager().getTotalStats().getPending() > 0, clock);
        this.ledger = new LeaseLedger(name, counters(), clock, gate, settings.leakStacks(), Apache5ManagedPool::reclaim);
        this.failureBursts = new FailureBursts<>(clock);
        this.fatalRecreations = new RecreationGuard(clock, RecreationGuard.DEFAULT_SPACING_MILLIS);
        this.generations = new ManagerGenerations<>(factory.get(), manager -> manager.getTotalStats().getLeased(),
                PoolingHttpClientConnectionManager::isClosed, manager -> Apache5Pools.closeByAgent(manager, CloseMode.GRACEFUL));
    }

    PoolingHttpClientConnectionManager manager() {
        return generations.current();
    }

    /** A manager with this pool's setup that belongs to one client alone (not managed, closed by its client). */
    PoolingHttpClientConnectionManager privateManager() {
        return factory.get();
    }

    boolean isCurrent(PoolingHttpClientConnectionManager manager) {
        return manager == generations.current();
    }

    // ---- leasing ------------------------------------------------------------------------------------

    /** The agent's pool timeout in place of the library's 3-minute default; the application's choice stands. */
    Timeout effectiveRequestTimeout(Timeout requested) {
        if (requested == null || LIBRARY_DEFAULT_REQUEST_TIMEOUT.equals(requested)) {
            return settings.poolTimeout();
        }
        return requested;
    }

    /** Whether the agent's gate applies the limits (the application set none on its builder). */
    boolean gated() {
        return admission.gated();
    }

    /** A place at the gate for a request on {@code route} (null permit for a pool under the application's own limits). */
    LeaseGate.Permit admit(HttpRoute route, Timeout timeout) throws InterruptedException, TimeoutException {
        return admission.admit(route, timeout.isDisabled() ? 0 : timeout.toNanoseconds());
    }

    void giveBack(LeaseGate.Permit permit) {
        admission.giveBack(permit);
    }

    /** The connection is leased: tracked, counted, and checked before the request goes out on it. */
    void leased(ConnectionEndpoint endpoint, PoolingHttpClientConnectionManager owner, HttpRoute route, LeaseGate.Permit permit) {
        counters().request();
        AtomicReference<PoolEntry<HttpRoute, ?>> entryRef = Apache5PoolInternals.entryRef(endpoint);
        if (entryRef == null) {
            giveBack(permit); // a version that hides the entry: no tracking possible
            return;
        }
        ledger.leased(endpoint, entryRef, CurrentRequest.currentClient(), route, owner, permit);
        retireIfStale(endpoint, entryRef.get());
        validateBeforeNonIdempotent(endpoint);
    }

    /**
     * A reused connection past its lifetime, or to an address its host name no longer resolves to, is
     * closed before the request goes out; HttpClient then connects the lease afresh (resolving the name).
     */
    private void retireIfStale(ConnectionEndpoint endpoint, PoolEntry<HttpRoute, ?> entry) {
        if (entry != null && entry.getConnection() != null && retire(entry)) {
            endpoint.close(CloseMode.GRACEFUL);
        }
    }

    /** True (and counted) when the entry's connection is past its lifetime or to an address its name left. */
    private boolean retire(PoolEntry<HttpRoute, ?> entry) {
        HttpRoute route = entry.getRoute();
        boolean lifetimeApplies = route == null || !settings.connectionConfigs().appSetTimeToLive(route);
        return retirement.retire(entry.getCreated(), entry.getConnection(), lifetimeApplies, watchedHost(route),
                Apache5PoolInternals.remoteAddress(entry.getConnection()));
    }

    /** The host name a route's connections are watched by: none through a proxy. */
    private static String watchedHost(HttpRoute route) {
        return route == null || route.getProxyHost() != null ? null : route.getTargetHost().getHostName();
    }

    private boolean addressMoved(PoolEntry<HttpRoute, ?> entry) {
        return retirement.moved(watchedHost(entry.getRoute()), Apache5PoolInternals.remoteAddress(entry.getConnection()));
    }

    /**
     * HttpClient retries idempotent requests that fail on a connection the server had closed, but never a
     * POST or PATCH; a per-request client never meets such a connection. So before a non-idempotent request
     * goes out on a reused connection, the connection is checked for a server-side close (a read of at
     * most 1 ms) whatever its idle time, and replaced by a fresh one if it was closed.
     */
    private void validateBeforeNonIdempotent(ConnectionEndpoint endpoint) {
        CurrentRequest request = CurrentRequest.current();
        if (request == null || !request.validateBeforeUse || !endpoint.isConnected()) {
            return;
        }
        if (Apache5PoolInternals.isStale(endpoint)) {
            endpoint.close(CloseMode.IMMEDIATE);
        }
    }

    TimeoutException exhausted(TimeoutException cause, Timeout waited) {
        TimeoutException error = new TimeoutException(admission.exhausted(waited, stats()));
        error.initCause(cause);
        return error;
    }

    // ---- releasing ------------------------------------------------------------------------------------

    /** The manager that leased {@code endpoint} when that is not {@code via} (a retired or current one); null otherwise. */
    PoolingHttpClientConnectionManager ownerIfRedirected(PoolingHttpClientConnectionManager via, ConnectionEndpoint endpoint) {
        if (!generations.anyRetired()) {
            return null;
        }
        AtomicReference<PoolEntry<HttpRoute, ?>> entryRef = Apache5PoolInternals.entryRef(endpoint);
        LeaseLedger.Lease lease = entryRef != null ? ledger.lease(entryRef) : null;
        Object owner = lease != null ? lease.context() : null;
        return owner != null && owner != via ? (PoolingHttpClientConnectionManager) owner : null;
    }

    /**
     * How long a released connection may stay idle; null closes it instead. Closed: beyond the pool's limit
     * when nobody waits for it (an overflow connection), past its lifetime, or to an address its host name
     * no longer resolves to. Otherwise the agent's expiry replaces the library's 3-minute default, and what
     * the server's Keep-Alive header or the application said stands.
     */
    TimeValue keepAliveOnRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint, TimeValue keepAlive) {
        AtomicReference<PoolEntry<HttpRoute, ?>> entryRef = Apache5PoolInternals.entryRef(endpoint);
        PoolEntry<HttpRoute, ?> entry = entryRef != null ? entryRef.get() : null;
        if (entry == null || keepAlive == null) {
            return keepAlive;
        }
        HttpRoute route = entry.getRoute();
        if (route != null && route.getProxyHost() != null && tunnelOwner(entryRef) == null) {
            return null; // a tunnel of an unknown client: see Apache5Pools.leaseState
        }
        if (admission.gated()) {
            org.apache.hc.core5.pool.PoolStats total = manager.getTotalStats();
            if (!admission.keepOnRelease(total.getLeased() + total.getAvailable())) {
                return null;
            }
        }
        if (entry.getConnection() != null && retire(entry)) {
            return null;
        }
        if (LIBRARY_DEFAULT_KEEP_ALIVE.equals(keepAlive)) {
            return settings.keepAliveExpiry();
        }
        return keepAlive;
    }

    /**
     * A connection through a proxy goes back under a state naming the client that leased it (see
     * {@link Apache5Pools#leaseState}); any other keeps the library's state.
     */
    Object releaseState(ConnectionEndpoint endpoint, Object state) {
        AtomicReference<PoolEntry<HttpRoute, ?>> entryRef = Apache5PoolInternals.entryRef(endpoint);
        PoolEntry<HttpRoute, ?> entry = entryRef != null ? entryRef.get() : null;
        HttpRoute route = entry != null ? entry.getRoute() : null;
        if (route == null || route.getProxyHost() == null) {
            return state;
        }
        Object client = tunnelOwner(entryRef);
        return client != null ? new ClientBoundState(client, state) : new Object();
    }

    private Object tunnelOwner(AtomicReference<PoolEntry<HttpRoute, ?>> entryRef) {
        LeaseLedger.Lease lease = ledger.lease(entryRef);
        return lease != null ? lease.owner() : null;
    }

    /** After a release (also a failed one): the lease ended, its place at the gate is free. */
    void released(ConnectionEndpoint endpoint) {
        AtomicReference<PoolEntry<HttpRoute, ?>> entryRef = Apache5PoolInternals.entryRef(endpoint);
        if (entryRef != null) {
            ledger.end(entryRef);
        }
    }

    /**
     * The application closed a client that used this pool: its connections still leased are closed with
     * it, and so are its idle tunnels through a proxy, which only it could use.
     */
    int clientClosed(Object client) {
        int closed = ledger.releaseOwnedBy(client);
        closeIdle(manager(), entry -> ClientBoundState.boundTo(entry.getState(), client));
        return closed;
    }

    /**
     * Closes a lease's connection and hands its entry back to the manager it came from, not reusable. For a
     * closed client the endpoint the application may still hold gets a placeholder entry without a
     * connection: reading its response then fails on the closed socket, as after closing a client's own
     * pool, and its later release is answered by the placeholder (see {@link Apache5PoolInternals}).
     */
    @SuppressWarnings("unchecked")
    private static boolean reclaim(LeaseLedger.Lease lease, LeaseLedger.Reason reason) {
        AtomicReference<PoolEntry<HttpRoute, ?>> entryRef = (AtomicReference<PoolEntry<HttpRoute, ?>>) lease.key();
        PoolEntry<HttpRoute, ?> entry = reason == LeaseLedger.Reason.CLIENT_CLOSED
                ? Apache5PoolInternals.swapForPlaceholder(entryRef)
                : entryRef.getAndSet(null);
        if (entry == null) {
            return false;
        }
        try {
            Apache5PoolInternals.returnDiscarded((PoolingHttpClientConnectionManager) lease.context(), entry);
        } catch (Throwable error) {
            AgentErrors.record("closing a leased connection", error);
        }
        return true;
    }

    // ---- connecting and failing -------------------------------------------------------------------------

    void connectFailed(HttpRoute route, Throwable error) {
        // route may be null: then only the error is counted
        counters().error(error instanceof javax.net.ssl.SSLException ? PoolCounters.ErrorKind.TLS : PoolCounters.ErrorKind.CONNECT);
        burstCheck(route);
    }

    void connected(HttpRoute route) {
        counters().connectionCreated();
        if (route == null) {
            return;
        }
        if (route.isSecure() && !route.isTunnelled()) {
            counters().tlsHandshake();
        }
        if (route.getProxyHost() == null) {
            retirement.connectedTo(route.getTargetHost().getHostName());
        }
    }

    void exchangeFailed(HttpRoute route) {
        counters().error(PoolCounters.ErrorKind.IO);
        burstCheck(route);
    }

    private void burstCheck(HttpRoute route) {
        if (failureBursts.failed(route)) {
            int closed = closeIdle(manager(), entry -> route.equals(entry.getRoute()));
            counters().refreshed();
            AgentLog.log().info("Pool {}: burst of connection failures to {}, closed its {} idle connection(s)", name(), route, closed);
        }
    }

    /**
     * An Error (OutOfMemoryError...) went through a request: the pool's bookkeeping may be torn, start
     * afresh; but at most once per 10 s, so an interceptor that throws an Error on every request does not
     * churn pools.
     */
    void fatal(Throwable error) {
        counters().error(PoolCounters.ErrorKind.FATAL);
        if (fatalRecreations.tryAcquire()) {
            recreate("an Error went through a request: " + error);
        }
    }

    // ---- ManagedPool ---------------------------------------------------------------------------------

    @Override
    public PoolStats stats() {
        org.apache.hc.core5.pool.PoolStats stats = manager().getTotalStats();
        LeaseGate gate = admission.gate();
        return new PoolStats(stats.getLeased(), stats.getAvailable(), stats.getPending() + admission.waiting(),
                gate != null ? gate.max() : stats.getMax());
    }

    @Override
    public boolean isOpen() {
        return !manager().isClosed();
    }

    @Override
    public int maintain(Duration idleExpiry, int maxIdleConnections) {
        PoolingHttpClientConnectionManager manager = manager();
        int before = manager.getTotalStats().getAvailable();
        manager.closeExpired();
        if (idleExpiry.toMillis() > 0) {
            manager.closeIdle(TimeValue.ofMilliseconds(idleExpiry.toMillis()));
        }
        trimIdle(manager, maxIdleConnections, 0);
        generations.drain();
        return Math.max(0, before - manager.getTotalStats().getAvailable());
    }

    /**
     * Every second: idle connections beyond the keep-alive limit that were not reused for a second are
     * closed (a busy pool reuses its connections within microseconds, so this only shrinks a pool whose
     * load fell); idle connections whose host name moved are closed; the overflow advice is logged.
     */
    @Override
    public void housekeep() {
        retirement.refreshOwnResolver();
        PoolingHttpClientConnectionManager manager = manager();
        trimIdle(manager, settings.maxIdle(), IDLE_TRIM_AFTER_MILLIS);
        int moved = closeIdle(manager, entry -> entry.getConnection() != null && addressMoved(entry));
        for (int i = 0; i < moved; i++) {
            counters().retiredByDns();
        }
        // Tunnels of clients that are gone: nobody can lease them any more.
        closeIdle(manager, entry -> ClientBoundState.orphaned(entry.getState()));
        admission.reportOverflowOnce();
        generations.drain();
    }

    private void trimIdle(PoolingHttpClientConnectionManager manager, int maxIdle, long idleAtLeastMillis) {
        int excess = manager.getTotalStats().getAvailable() - maxIdle;
        if (excess > 0) {
            long now = clock.currentTimeMillis();
            closeIdle(manager, Apache5PoolInternals.longestIdle(manager, excess)
                    .and(entry -> now - entry.getUpdated() >= idleAtLeastMillis));
        }
    }

    @Override
    public int evictIdle() {
        PoolingHttpClientConnectionManager manager = manager();
        int before = manager.getTotalStats().getAvailable();
        manager.closeIdle(TimeValue.ZERO_MILLISECONDS);
        return Math.max(0, before - manager.getTotalStats().getAvailable());
    }

    @Override
    public void recreate(String reason) {
        // The old manager is recognised as retired before new leases stop going there: its releases find their owner.
        generations.replace(factory.get(), (old, fresh) -> {
            Apache5Pools.adopt(fresh, this);
            Apache5Pools.retire(old, this);
        });
        recreated(reason);
    }

    /**
     * JVM shutdown: requests in flight get up to {@code grace} to finish, then every idle connection is
     * closed gracefully and replaced pools are closed. The current pool itself stays open: other shutdown
     * hooks (deregistering from a service registry, flushing to a collector) may still send requests, and a
     * per-request client would still have served them.
     */
    @Override
    public void shutdown(Duration grace) {
        generations.shutdown(grace, clock);
        evictIdle();
    }

    @Override
    public int reportLongLeases(Duration threshold) {
        return ledger.reportLongLeases(threshold);
    }

    private int closeIdle(PoolingHttpClientConnectionManager manager, java.util.function.Predicate<PoolEntry<HttpRoute, ?>> select) {
        try {
            return Apache5PoolInternals.closeIdle(manager, select);
        } catch (Throwable error) {
            AgentErrors.record("closing idle connections of " + name(), error);
            return 0;
        }
    }
}
