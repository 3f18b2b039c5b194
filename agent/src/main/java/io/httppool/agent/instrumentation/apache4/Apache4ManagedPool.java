package io.httppool.agent.instrumentation.apache4;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.pool.ConnectionManagerPool;
import io.httppool.agent.pool.ClientBoundState;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.CurrentRequest;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.LeaseGate;
import io.httppool.agent.pool.LeaseLedger;
import io.httppool.agent.pool.PoolPolicy;
import io.httppool.agent.pool.PoolStats;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.http.HttpClientConnection;
import org.apache.http.conn.ConnectionPoolTimeoutException;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.pool.PoolEntry;

/**
 * One managed HttpClient 4.5 pool, shared by every client whose connection setup matches: HttpClient's own
 * {@link PoolingHttpClientConnectionManager} underneath, and the agent's library-independent parts on top
 * ({@link ConnectionManagerPool}). This class adds how HttpClient 4 leases and releases. Clients hold a
 * manager (the current one, a replaced one, or the application's own {@code new
 * PoolingHttpClientConnectionManager()} adopted by the pool): whichever they hold, leases go to the current
 * manager, and every later call on a connection goes to the manager that leased it.
 */
final class Apache4ManagedPool extends ConnectionManagerPool<PoolingHttpClientConnectionManager, PoolEntry<?, ?>> {

    /** Leases tried in a row when the connection handed out is past its lifetime (each such one is closed). */
    static final int MAX_RETIRED_IN_A_ROW = 16;

    /** What a leased connection needs before a request goes out on it. */
    enum Reuse {
        /** Use it as it is (new, or reused and sound). */
        USE,
        /** Past its lifetime: hand it back closed and lease another (a reconnect would keep the entry's age). */
        RETIRE,
        /** Closed by the server, or to an address its name left: close it; HttpClient connects it afresh. */
        RECONNECT
    }

    private final PoolPolicy policy;
    private final boolean applicationTimeToLive;

    Apache4ManagedPool(String name, String library, String setup, Supplier<PoolingHttpClientConnectionManager> factory,
                       PoolPolicy policy, boolean applicationTimeToLive, HostAddresses hosts, Clock clock) {
        super(name, library, setup, factory, policy.newGate(clock), policy, hosts, clock, Apache4ManagedPool::reclaim);
        this.policy = policy;
        this.applicationTimeToLive = applicationTimeToLive;
    }

    // ---- leasing ------------------------------------------------------------------------------------

    /** The agent's pool timeout where the application left HttpClient's default (0: wait for ever). */
    long effectiveRequestTimeoutMillis(long requestedMillis) {
        return requestedMillis > 0 ? requestedMillis : policy.poolTimeoutMillis();
    }

    boolean gated() {
        return admission.gated();
    }

    LeaseGate.Permit admit(HttpRoute route, long timeoutMillis) throws InterruptedException, ConnectionPoolTimeoutException {
        try {
            return admission.admit(route, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        } catch (TimeoutException exhausted) {
            throw exhausted(timeoutMillis);
        }
    }

    void giveBack(LeaseGate.Permit permit) {
        admission.giveBack(permit);
    }

    ConnectionPoolTimeoutException exhausted(long waitedMillis) {
        return new ConnectionPoolTimeoutException(admission.exhausted(waitedMillis + " ms", stats()));
    }

    /**
     * What a freshly leased connection needs. A reused one past its lifetime is retired; one to an address
     * its host name no longer resolves to is reconnected; before a request HttpClient would not retry (a
     * POST, anything with a body), a reused one is checked for a server-side close (a read of at most 1 ms)
     * whatever its idle time, and reconnected if the server closed it.
     */
    Reuse reuseOf(HttpClientConnection connection) {
        PoolEntry<?, ?> entry = Apache4PoolInternals.entryOf(connection);
        if (entry == null || !connection.isOpen()) {
            return Reuse.USE; // a new connection
        }
        HttpRoute route = (HttpRoute) entry.getRoute();
        Object inner = entry.getConnection();
        if (!applicationTimeToLive && policy.lifetime().expired(entry.getCreated(), clock.currentTimeMillis(), inner)) {
            counters().expiredByLifetime();
            return Reuse.RETIRE;
        }
        if (retirement.retire(entry.getCreated(), inner, false, watchedHost(route), Apache4PoolInternals.remoteAddress(inner))) {
            return Reuse.RECONNECT;
        }
        CurrentRequest request = CurrentRequest.current();
        if (request != null && request.validateBeforeUse && connection.isStale()) {
            return Reuse.RECONNECT;
        }
        return Reuse.USE;
    }

    /** The connection is leased: tracked and counted. */
    void leased(HttpClientConnection connection, PoolingHttpClientConnectionManager owner, HttpRoute route, LeaseGate.Permit permit) {
        counters().request();
        PoolEntry<?, ?> entry = Apache4PoolInternals.entryOf(connection);
        if (entry == null) {
            giveBack(permit); // a version that hides the entry: no tracking possible
            return;
        }
        LeaseLedger.Lease lease = ledger.leased(connection, entry, CurrentRequest.currentClient(), route, owner, permit);
        CurrentRequest request = CurrentRequest.current();
        if (request != null) {
            request.leased(connection);
        }
        if (!connection.isOpen()) {
            lease.connectStarted(); // HttpClient connects it next; connectEnded at connected() or at the lease's end
        }
    }

    /** The lease of {@code connection} opened its connection, or failed to: it no longer counts as connecting. */
    void connectEnded(HttpClientConnection connection) {
        connectEnded(Apache4PoolInternals.entryOf(connection));
    }

    /** Tracking a lease failed ({@link #leased} threw): see {@link ConnectionManagerPool#untracked}. Never throws. */
    void untracked(HttpClientConnection connection, LeaseGate.Permit permit) {
        Object entry = null;
        try {
            entry = Apache4PoolInternals.entryOf(connection);
        } catch (Throwable error) {
            AgentErrors.record("lease tracking", error);
        }
        untracked(entry, permit);
    }

    /** The host name a route's connections are watched by: none through a proxy. */
    private static String watchedHost(HttpRoute route) {
        return route == null || route.getProxyHost() != null ? null : route.getTargetHost().getHostName();
    }

    // ---- releasing ------------------------------------------------------------------------------------

    /** The manager that leased {@code connection}, when the ledger knows it; else null. */
    PoolingHttpClientConnectionManager ownerOf(HttpClientConnection connection) {
        PoolEntry<?, ?> entry = Apache4PoolInternals.entryOf(connection);
        LeaseLedger.Lease lease = entry != null ? ledger.lease(entry) : null;
        return lease != null ? (PoolingHttpClientConnectionManager) lease.context() : null;
    }

    /**
     * Releases a connection on the manager that leased it, under the agent's rules: a connection through a
     * proxy goes back bound to its client; one beyond the pool's limit when nobody waits (an overflow
     * connection), past its lifetime or to an address its name left is closed; HttpClient's "keep for ever"
     * (no Keep-Alive header) becomes HTTP_KEEPALIVE_EXPIRY, and what the server or the application said stands.
     */
    void release(PoolingHttpClientConnectionManager via, HttpClientConnection connection, Object state, long keepAlive, TimeUnit unit) {
        PoolEntry<?, ?> entry = Apache4PoolInternals.entryOf(connection);
        LeaseLedger.Lease lease = entry != null ? ledger.lease(entry) : null;
        PoolingHttpClientConnectionManager owner = lease != null ? (PoolingHttpClientConnectionManager) lease.context() : via;
        Object releaseState = state;
        long keep = keepAlive;
        TimeUnit keepUnit = unit;
        try {
            if (entry != null && connection.isOpen()) {
                HttpRoute route = (HttpRoute) entry.getRoute();
                boolean proxied = route != null && route.getProxyHost() != null;
                Object client = lease != null ? lease.owner() : null;
                if (proxied) {
                    releaseState = client != null ? new ClientBoundState(client, state) : new Object();
                }
                if (keepAlive <= 0) {
                    keep = policy.keepAliveMillis();
                    keepUnit = TimeUnit.MILLISECONDS;
                }
                if ((proxied && client == null) || keep <= 0 || !keptOnRelease(owner) || retiredOnRelease(entry)) {
                    closeQuietly(connection);
                }
            }
            Apache4Pools.releaseUnmanaged(owner, connection, releaseState, keep, keepUnit);
        } finally {
            if (entry != null) {
                ledger.end(entry);
            }
        }
    }

    private boolean retiredOnRelease(PoolEntry<?, ?> entry) {
        Object inner = entry.getConnection();
        return retirement.retire(entry.getCreated(), inner, !applicationTimeToLive, watchedHost((HttpRoute) entry.getRoute()),
                Apache4PoolInternals.remoteAddress(inner));
    }

    /** Closes a leased connection that must not be reused, and hands it back (a new lease then gets a fresh entry). */
    void discard(PoolingHttpClientConnectionManager owner, HttpClientConnection connection) {
        closeQuietly(connection);
        Apache4Pools.releaseUnmanaged(owner, connection, null, 0, TimeUnit.MILLISECONDS);
    }

    static void closeQuietly(HttpClientConnection connection) {
        try {
            connection.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Closes a lease's connection and hands its entry back to the manager it came from, not reusable. */
    @SuppressWarnings("rawtypes")
    private static boolean reclaim(LeaseLedger.Lease lease, LeaseLedger.Reason reason) {
        try {
            Apache4PoolInternals.returnDiscarded((PoolingHttpClientConnectionManager) lease.context(), (PoolEntry) lease.key());
            return true;
        } catch (Throwable error) {
            AgentErrors.record("closing a leased connection", error);
            return false;
        }
    }

    // ---- connecting and failing -------------------------------------------------------------------------

    /** HttpClient 4 connects without a timeout unless the request config says otherwise: then the agent's applies. */
    int connectTimeout(int requested) {
        return requested > 0 ? requested : Apache4PoolFactory.millis(policy.connectTimeoutMillis());
    }

    void connected(HttpRoute route, Throwable failure) {
        if (failure != null) {
            connectFailed(route, failure);
            return;
        }
        counters().connectionCreated();
        if (route == null) {
            return;
        }
        if (route.isSecure() && !route.isTunnelled()) {
            counters().tlsHandshake();
        }
        String host = watchedHost(route);
        if (host != null) {
            retirement.connectedTo(host);
        }
    }

    /** A TLS upgrade of a tunnelled connection (HTTPS through a proxy). */
    void upgraded(HttpRoute route, Throwable failure) {
        if (failure == null) {
            counters().tlsHandshake();
        } else {
            connectFailed(route, failure);
        }
    }

    /**
     * An Error (OutOfMemoryError...) went through a request: HttpClient 4 then shuts the manager down
     * (ignored for managed ones) and leaves the exchange's connection leased. That connection is discarded,
     * and the pool starts afresh (its bookkeeping may be torn), at most once per 10 s, so an interceptor
     * that throws an Error on every request does not churn pools.
     */
    void fatal(Throwable error, HttpClientConnection connection) {
        if (connection != null) {
            try {
                connection.shutdown();
            } catch (IOException ignored) {
                // discarded anyway
            }
            PoolingHttpClientConnectionManager owner = ownerOf(connection);
            release(owner != null ? owner : manager(), connection, null, 0, TimeUnit.MILLISECONDS);
        }
        fatal(error);
    }

    // ---- the library's manager and entries (see ConnectionManagerPool) ----------------------------------

    @Override
    protected PoolStats libraryStats(PoolingHttpClientConnectionManager manager) {
        org.apache.http.pool.PoolStats stats = manager.getTotalStats();
        return new PoolStats(stats.getLeased(), stats.getAvailable(), stats.getPending(), stats.getMax());
    }

    @Override
    protected boolean isClosed(PoolingHttpClientConnectionManager manager) {
        return Apache4PoolInternals.isShutDown(manager);
    }

    @Override
    protected void closeByAgent(PoolingHttpClientConnectionManager manager) {
        Apache4Pools.shutdownByAgent(manager);
    }

    @Override
    protected void closeExpired(PoolingHttpClientConnectionManager manager) {
        manager.closeExpiredConnections();
    }

    @Override
    protected void closeIdleOlderThan(PoolingHttpClientConnectionManager manager, long millis) {
        manager.closeIdleConnections(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected int closeIdleEntries(PoolingHttpClientConnectionManager manager, Predicate<PoolEntry<?, ?>> select) throws Throwable {
        return Apache4PoolInternals.closeIdle(manager, select);
    }

    @Override
    protected long lastUsedMillis(PoolEntry<?, ?> entry) {
        return entry.getUpdated();
    }

    @Override
    protected Object routeOf(PoolEntry<?, ?> entry) {
        return entry.getRoute();
    }

    @Override
    protected Object stateOf(PoolEntry<?, ?> entry) {
        return entry.getState();
    }

    @Override
    protected String watchedHostOf(PoolEntry<?, ?> entry) {
        return watchedHost((HttpRoute) entry.getRoute());
    }

    @Override
    protected InetAddress addressOf(PoolEntry<?, ?> entry) {
        return Apache4PoolInternals.remoteAddress(entry.getConnection());
    }

    @Override
    protected void switched(PoolingHttpClientConnectionManager old, PoolingHttpClientConnectionManager fresh) {
        Apache4Pools.adopt(fresh, this);
        Apache4Pools.retire(old, this);
    }
}
