package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.pool.LeaseGate;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.core5.util.Timeout;

/**
 * What {@code lease()} on a managed manager returns: the lease happens in {@link #get}, after the pool's
 * gate let the request through (or overflow, or failed it with a message naming the pool), and always on
 * the pool's current manager, whichever manager the client holds. The endpoint is then tracked and
 * checked (lifetime, moved address, stale connection before a POST) before the request uses it.
 */
final class Apache5LeaseRequest implements LeaseRequest {

    /** How long an admitted lease may wait for the library pool's lock: in effect, as long as it takes. */
    private static final Timeout LIBRARY_LOCK_WAIT = Timeout.ofHours(1);

    private final Apache5ManagedPool pool;
    private final String id;
    private final HttpRoute route;
    private final Timeout requestTimeout;
    private final Object state;
    private volatile LeaseRequest delegate;
    private volatile boolean cancelled;

    Apache5LeaseRequest(Apache5ManagedPool pool, String id, HttpRoute route, Timeout requestTimeout, Object state) {
        this.pool = pool;
        this.id = id;
        this.route = route;
        this.requestTimeout = requestTimeout;
        this.state = state;
    }

    @Override
    public ConnectionEndpoint get(Timeout timeout) throws InterruptedException, ExecutionException, TimeoutException {
        if (cancelled) {
            throw new CancellationException("connection request cancelled");
        }
        Timeout effective = pool.effectiveRequestTimeout(timeout);
        LeaseGate.Permit permit;
        try {
            FaultPoint.reached("leaseGate");
            permit = pool.admit(route, effective);
        } catch (TimeoutException exhausted) {
            throw pool.exhausted(exhausted, effective);
        } catch (InterruptedException interrupted) {
            throw interrupted;
        } catch (Throwable error) {
            // The library calls this class directly, outside any hook: the gate is the agent's, and its
            // failure must not fail the request. The lease goes on without a place, as an overflow would.
            AgentErrors.record("lease gate", error);
            permit = null;
        }
        PoolingHttpClientConnectionManager manager = pool.manager();
        ConnectionEndpoint endpoint;
        try {
            // Behind the gate the library's pool has no limit: it hands out or creates an entry at once, and
            // the only wait left is for its lock. That wait must not fail a request the gate admitted (with a
            // timeout it did, under heavy CPU load, after 5 s): the gate alone applies HTTP_POOL_TIMEOUT. Not
            // Timeout.DISABLED: HttpCore before 5.2 turns that into tryLock(0), which fails at once whenever
            // another thread holds the lock.
            Timeout libraryWait = pool.gated() ? LIBRARY_LOCK_WAIT : requestTimeout;
            LeaseRequest real = Apache5Pools.leaseUnmanaged(manager, id, route, libraryWait, state);
            delegate = real;
            if (cancelled) {
                real.cancel();
            }
            endpoint = real.get(effective);
        } catch (TimeoutException timedOut) {
            pool.giveBack(permit);
            throw pool.exhausted(timedOut, effective);
        } catch (ExecutionException failed) {
            pool.giveBack(permit);
            if (failed.getCause() instanceof TimeoutException) {
                throw pool.exhausted((TimeoutException) failed.getCause(), effective);
            }
            throw failed;
        } catch (InterruptedException | RuntimeException | Error other) {
            pool.giveBack(permit);
            throw other;
        }
        try {
            FaultPoint.reached("leaseTracking");
            pool.leased(endpoint, manager, route, permit);
        } catch (Throwable error) {
            // The library calls this class directly, outside any hook: the agent's part guards itself.
            AgentErrors.record("lease tracking", error);
            pool.untracked(endpoint, permit);
        }
        return endpoint;
    }

    @Override
    public boolean cancel() {
        cancelled = true;
        LeaseRequest real = delegate;
        return real == null || real.cancel();
    }
}
