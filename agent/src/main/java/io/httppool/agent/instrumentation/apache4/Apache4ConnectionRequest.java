package io.httppool.agent.instrumentation.apache4;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.pool.LeaseGate;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpClientConnection;
import org.apache.http.conn.ConnectionPoolTimeoutException;
import org.apache.http.conn.ConnectionRequest;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * What {@code requestConnection()} on a managed manager returns: the lease happens in {@link #get}, after
 * the pool's gate let the request through (or overflow, or failed it with a message naming the pool), and
 * always on the pool's current manager, whichever manager the client holds. The connection is then checked
 * (lifetime, moved address, server-side close before a request HttpClient would not retry) and tracked.
 */
final class Apache4ConnectionRequest implements ConnectionRequest {

    private final Apache4ManagedPool pool;
    private final HttpRoute route;
    private final Object state;
    private volatile ConnectionRequest delegate;
    private volatile boolean cancelled;

    Apache4ConnectionRequest(Apache4ManagedPool pool, HttpRoute route, Object state) {
        this.pool = pool;
        this.route = route;
        this.state = state;
    }

    @Override
    public HttpClientConnection get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, ConnectionPoolTimeoutException {
        if (cancelled) {
            throw new ExecutionException(new CancellationException("Operation cancelled"));
        }
        long effective = pool.effectiveRequestTimeoutMillis(unit != null ? unit.toMillis(timeout) : timeout);
        LeaseGate.Permit permit;
        try {
            FaultPoint.reached("apache4.leaseGate");
            permit = pool.admit(route, effective);
        } catch (ConnectionPoolTimeoutException | InterruptedException gateSaid) {
            throw gateSaid;
        } catch (Throwable error) {
            // The library calls this class directly, outside any hook: the gate is the agent's, and its
            // failure must not fail the request. The lease goes on without a place, as an overflow would.
            AgentErrors.record("lease gate", error);
            permit = null;
        }
        PoolingHttpClientConnectionManager manager;
        HttpClientConnection connection;
        try {
            for (int attempt = 1; ; attempt++) {
                manager = pool.manager();
                connection = leaseFrom(manager, effective);
                Apache4ManagedPool.Reuse reuse = reuseOf(connection);
                if (reuse == Apache4ManagedPool.Reuse.RETIRE && attempt < Apache4ManagedPool.MAX_RETIRED_IN_A_ROW) {
                    pool.discard(manager, connection);
                    continue;
                }
                if (reuse != Apache4ManagedPool.Reuse.USE) {
                    Apache4ManagedPool.closeQuietly(connection); // HttpClient connects it afresh
                }
                break;
            }
        } catch (InterruptedException | ExecutionException | RuntimeException | Error failed) {
            pool.giveBack(permit);
            throw failed;
        }
        try {
            FaultPoint.reached("apache4.leaseTracking");
            pool.leased(connection, manager, route, permit);
        } catch (Throwable error) {
            // The library calls this class directly, outside any hook: the agent's part guards itself.
            AgentErrors.record("lease tracking", error);
            pool.untracked(connection, permit);
        }
        return connection;
    }

    private HttpClientConnection leaseFrom(PoolingHttpClientConnectionManager manager, long effectiveMillis)
            throws InterruptedException, ExecutionException, ConnectionPoolTimeoutException {
        ConnectionRequest real = Apache4Pools.requestUnmanaged(manager, route, state);
        delegate = real;
        if (cancelled) {
            real.cancel();
        }
        try {
            // Behind the gate the library's pool has no limit: it hands out or creates an entry at once, and the
            // only wait left is for its lock, which must not fail a request the gate admitted.
            return real.get(pool.gated() ? 0 : effectiveMillis, TimeUnit.MILLISECONDS);
        } catch (ConnectionPoolTimeoutException timedOut) {
            throw pool.exhausted(effectiveMillis);
        }
    }

    private Apache4ManagedPool.Reuse reuseOf(HttpClientConnection connection) {
        try {
            return pool.reuseOf(connection);
        } catch (Throwable error) {
            AgentErrors.record("reuse check", error);
            return Apache4ManagedPool.Reuse.USE;
        }
    }

    @Override
    public boolean cancel() {
        cancelled = true;
        ConnectionRequest real = delegate;
        return real == null || real.cancel();
    }
}
