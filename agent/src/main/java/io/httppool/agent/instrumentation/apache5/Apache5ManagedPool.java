package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.pool.ClientBoundState;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.CurrentRequest;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.LeaseGate;
import io.httppool.agent.pool.LeaseLedger;
import io.httppool.agent.pool.PoolStats;
import io.httppool.agent.pool.ConnectionManagerPool;
import java.net.InetAddress;
import java.util.function.Predicate;
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
 * {@link PoolingHttpClientConnectionManager} underneath, and the agent's library-independent parts on top
 * ({@link ConnectionManagerPool}). This class adds how HttpClient 5 leases and releases: through the
 * gate, tracked by endpoint, with its own types for timeouts and keep-alive. Clients hold the manager; when
 * the pool is recreated the manager they hold is retired: its leases finish there, and new leases through
 * it go to the current manager.
 */
final class Apache5ManagedPool extends ConnectionManagerPool<PoolingHttpClientConnectionManager, PoolEntry<HttpRoute, ?>> {

    /** The library's defaults for "the application did not say": RequestConfig's 3 minutes. */
    private static final Timeout LIBRARY_DEFAULT_REQUEST_TIMEOUT = Timeout.ofMinutes(3);
    private static final TimeValue LIBRARY_DEFAULT_KEEP_ALIVE = TimeValue.ofMinutes(3);

    private final Apache5PoolSettings settings;

    Apache5ManagedPool(String name, String library, String setup, Supplier<PoolingHttpClientConnectionManager> factory,
                       Apache5PoolSettings settings, HostAddresses hosts, Clock clock) {
        super(name, library, setup, factory, settings.policy().newGate(clock), settings.policy(), hosts, clock,
                Apache5ManagedPool::reclaim);
        this.settings = settings;
    }

    /** A manager with this pool's setup that belongs to one client alone (not managed, closed by its client). */
    PoolingHttpClientConnectionManager privateManager() {
        return freshManager();
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
        LeaseLedger.Lease lease = ledger.leased(endpoint, entryRef, CurrentRequest.currentClient(), route, owner, permit);
        retireIfStale(endpoint, entryRef.get());
        validateBeforeNonIdempotent(endpoint);
        if (!endpoint.isConnected()) { // a new entry's connection object is not open yet (nor a retired one's)
            lease.connectStarted(); // HttpClient connects it next; connectEnded at connected() or at the lease's end
        }
    }

    /**
     * Tracking a lease failed ({@link #leased} threw): its place at the gate is given back unless the
     * ledger took it (then the lease's end gives it back). Never throws.
     */
    void untracked(ConnectionEndpoint endpoint, LeaseGate.Permit permit) {
        Object entryRef = null;
        try {
            entryRef = Apache5PoolInternals.entryRef(endpoint);
        } catch (Throwable error) {
            AgentErrors.record("lease tracking", error);
        }
        untracked(entryRef, permit);
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
        // HttpClient 5.0/5.1 may hide when a connection was made: then only its address is checked.
        long created = Apache5Versions.API.createdMillis(entry);
        boolean lifetimeApplies = created >= 0 && (route == null || !settings.connectionSettings().appSetTimeToLive(route));
        return retirement.retire(created, entry.getConnection(), lifetimeApplies, watchedHost(route),
                Apache5PoolInternals.remoteAddress(entry.getConnection()));
    }

    /** See {@link Apache5ConnectionSettings#connectTimeout}. */
    TimeValue connectTimeout(TimeValue requested) {
        return settings.connectionSettings().connectTimeout(requested);
    }

    /** The host name a route's connections are watched by: none through a proxy. */
    private static String watchedHost(HttpRoute route) {
        return route == null || route.getProxyHost() != null ? null : route.getTargetHost().getHostName();
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
        if (!anyRetired()) {
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
        if (!keptOnRelease(manager)) {
            return null;
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

    /** The lease of {@code endpoint} opened its connection, or failed to: it no longer counts as connecting. */
    void connectEnded(ConnectionEndpoint endpoint) {
        connectEnded(Apache5PoolInternals.entryRef(endpoint));
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

    // ---- the library's manager and entries (see ConnectionManagerPool) ----------------------------------

    @Override
    protected PoolStats libraryStats(PoolingHttpClientConnectionManager manager) {
        org.apache.hc.core5.pool.PoolStats stats = manager.getTotalStats();
        return new PoolStats(stats.getLeased(), stats.getAvailable(), stats.getPending(), stats.getMax());
    }

    @Override
    protected boolean isClosed(PoolingHttpClientConnectionManager manager) {
        return Apache5Versions.API.isClosed(manager);
    }

    @Override
    protected void closeByAgent(PoolingHttpClientConnectionManager manager) {
        Apache5Pools.closeByAgent(manager, CloseMode.GRACEFUL);
    }

    @Override
    protected void closeExpired(PoolingHttpClientConnectionManager manager) {
        manager.closeExpired();
    }

    @Override
    protected void closeIdleOlderThan(PoolingHttpClientConnectionManager manager, long millis) {
        manager.closeIdle(TimeValue.ofMilliseconds(millis));
    }

    @Override
    protected int closeIdleEntries(PoolingHttpClientConnectionManager manager, Predicate<PoolEntry<HttpRoute, ?>> select)
            throws Throwable {
        return Apache5PoolInternals.closeIdle(manager, select);
    }

    @Override
    protected long lastUsedMillis(PoolEntry<HttpRoute, ?> entry) {
        return entry.getUpdated();
    }

    @Override
    protected Object routeOf(PoolEntry<HttpRoute, ?> entry) {
        return entry.getRoute();
    }

    @Override
    protected Object stateOf(PoolEntry<HttpRoute, ?> entry) {
        return entry.getState();
    }

    @Override
    protected String watchedHostOf(PoolEntry<HttpRoute, ?> entry) {
        return watchedHost(entry.getRoute());
    }

    @Override
    protected InetAddress addressOf(PoolEntry<HttpRoute, ?> entry) {
        return entry.getConnection() != null ? Apache5PoolInternals.remoteAddress(entry.getConnection()) : null;
    }

    @Override
    protected void switched(PoolingHttpClientConnectionManager old, PoolingHttpClientConnectionManager fresh) {
        Apache5Pools.adopt(fresh, this);
        Apache5Pools.retire(old, this);
    }
}
