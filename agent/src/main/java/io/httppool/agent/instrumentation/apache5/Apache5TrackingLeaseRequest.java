package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.instrumentation.AdviceErrors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.core5.util.Timeout;

/**
 * Wraps a managed pool's lease request: counts the request, starts leak tracking of the endpoint, and turns
 * a pool timeout into an error that says which pool ran out and how full it was.
 */
final class Apache5TrackingLeaseRequest implements LeaseRequest {

    private final Apache5ManagedPool pool;
    private final PoolingHttpClientConnectionManager owner;
    private final LeaseRequest delegate;
    private volatile boolean redirected;

    Apache5TrackingLeaseRequest(Apache5ManagedPool pool, PoolingHttpClientConnectionManager owner, LeaseRequest delegate) {
        this.pool = pool;
        this.owner = owner;
        this.delegate = delegate;
    }

    /** The client asked a replaced manager; its later calls with this endpoint must reach {@link #owner}. */
    void markRedirected() {
        redirected = true;
    }

    @Override
    public ConnectionEndpoint get(Timeout timeout) throws InterruptedException, ExecutionException, TimeoutException {
        // The library calls this wrapper directly, outside any advice: the agent's own parts guard themselves.
        try {
            pool.beforeLeaseWait();
        } catch (Throwable error) {
            AdviceErrors.record("lease wait", error);
        }
        Timeout effective = pool.effectiveRequestTimeout(timeout);
        ConnectionEndpoint endpoint;
        try {
            endpoint = delegate.get(effective);
        } catch (TimeoutException timedOut) {
            throw pool.exhausted(timedOut, effective);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof TimeoutException) {
                throw pool.exhausted((TimeoutException) failed.getCause(), effective);
            }
            throw failed;
        }
        try {
            pool.leased(endpoint, owner, redirected);
            pool.validateBeforeNonIdempotent(endpoint);
        } catch (Throwable error) {
            AdviceErrors.record("lease tracking", error);
        }
        return endpoint;
    }

    @Override
    public boolean cancel() {
        return delegate.cancel();
    }
}
