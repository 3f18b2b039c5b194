package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.pool.PoolCounters;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorStatus;

/**
 * One shared real client of a setup: its I/O reactor threads (started by its first request) and (HTTP/1
 * builder) its connection manager serve every application client of the setup. Counts the requests it has
 * in flight, so that once replaced it is closed only when they have finished.
 */
final class Apache5AsyncRealClient {

    private static final LibraryField CONTEXT_ADAPTOR = LibraryField.declared(
            "org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient", Apache5AsyncRealClient.class.getClassLoader(),
            "contextAdaptor");

    private final CloseableHttpAsyncClient client;
    private final PoolingAsyncClientConnectionManager manager;
    private final Apache5AsyncSessionCounter sessions;
    private final Function<HttpContext, HttpClientContext> contextAdaptor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean started;
    private boolean closed; // guarded by this
    private volatile boolean retired;
    private volatile long retiredAtMillis;

    private Apache5AsyncRealClient(CloseableHttpAsyncClient client, PoolingAsyncClientConnectionManager manager,
                                   Apache5AsyncSessionCounter sessions) {
        this.client = client;
        this.manager = manager;
        this.sessions = sessions;
        this.contextAdaptor = adaptorOf(client);
    }

    /**
     * Builds the real client of {@code setup}; its reactor starts with its first request ({@link #enter}). A
     * client that never serves one never starts threads: the one that replaces the current client at JVM
     * exit (see {@code Apache5AsyncManagedPool#shutdown}).
     */
    static Apache5AsyncRealClient build(Apache5AsyncSetup setup, PoolCounters counters, AgentConfig config) {
        PoolingAsyncClientConnectionManager manager = setup.protocol() == Apache5AsyncSetup.Protocol.HTTP
                ? Apache5AsyncManagers.build(setup.manager(), setup.systemProperties(), config) : null;
        Apache5AsyncSessionCounter sessions = new Apache5AsyncSessionCounter(counters,
                (org.apache.hc.core5.reactor.IOSessionListener) setup.value("ioSessionListener"));
        CloseableHttpAsyncClient client = setup.buildShared(manager, sessions);
        return new Apache5AsyncRealClient(client, manager, sessions);
    }

    @SuppressWarnings({"unchecked", "deprecation"})
    private static Function<HttpContext, HttpClientContext> adaptorOf(CloseableHttpAsyncClient client) {
        try {
            if (CONTEXT_ADAPTOR != null && CONTEXT_ADAPTOR.declaringClass().isInstance(client)) {
                Object adaptor = CONTEXT_ADAPTOR.get(client);
                if (adaptor != null) {
                    return (Function<HttpContext, HttpClientContext>) adaptor;
                }
            }
        } catch (RuntimeException unreadable) {
            AgentErrors.record("reading the context adaptor of an async client", unreadable);
        }
        // HttpClient 5.2 and 5.3 adapt the context this way in doExecute.
        return context -> context != null ? HttpClientContext.adapt(context) : HttpClientContext.create();
    }

    /** How this client turns the context a request comes with into the one it uses. */
    Function<HttpContext, HttpClientContext> contextAdaptor() {
        return contextAdaptor;
    }

    /** A request of an application client starts here; false when this client was replaced meanwhile (take the new one). */
    boolean enter() {
        inFlight.incrementAndGet();
        if (retired) {
            exit();
            return false;
        }
        if (!started) {
            boolean running;
            try {
                running = startOnce();
            } catch (RuntimeException | Error failed) {
                exit();
                throw failed;
            }
            if (!running) {
                exit();
                return false;
            }
        }
        return true;
    }

    /** Starts the reactor once; false when this client was closed first (a closed client cannot start). */
    private synchronized boolean startOnce() {
        if (closed) {
            return false;
        }
        if (!started) {
            client.start();
            started = true;
        }
        return true;
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    <T> Future<T> execute(HttpHost target, AsyncRequestProducer producer, AsyncResponseConsumer<T> consumer,
                          HandlerFactory<AsyncPushConsumer> push, HttpClientContext context, FutureCallback<T> callback) {
        return client.execute(target, producer, consumer, push, context, callback);
    }

    /** Connections the reactor has open now. */
    int open() {
        return sessions.open();
    }

    PoolingAsyncClientConnectionManager manager() {
        return manager;
    }

    boolean isOpen() {
        IOReactorStatus status = client.getStatus();
        return status == IOReactorStatus.ACTIVE || status == IOReactorStatus.INACTIVE;
    }

    /** Replaced: no new requests; closed once drained (see {@link #closeIfDrained}). */
    void retire(long nowMillis) {
        retiredAtMillis = nowMillis;
        retired = true;
    }

    /**
     * Closes a replaced client once nothing is in flight, or at once after {@code maxDrainMillis}; true when
     * closed. Runs on the agent's housekeeping thread, never on one of the client's own threads.
     */
    boolean closeIfDrained(long nowMillis, long maxDrainMillis) {
        boolean drained = inFlight.get() == 0;
        if (!drained && nowMillis - retiredAtMillis < maxDrainMillis) {
            return false;
        }
        close(drained ? CloseMode.GRACEFUL : CloseMode.IMMEDIATE);
        return true;
    }

    void close(CloseMode mode) {
        synchronized (this) {
            closed = true; // a request entering now takes the current client instead of starting this one
        }
        try {
            client.close(mode);
        } catch (RuntimeException error) {
            AgentErrors.record("closing a replaced async client", error);
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    // ---- idle connections (HTTP/1 builder) -------------------------------------------------------------

    /** See {@link Apache5AsyncIdleConnections#trim}. */
    int trimIdle(long demandWindowMillis, int limit, int maxIdle, long beyondLimitAfterMillis, long nowMillis) {
        return Apache5AsyncIdleConnections.trim(manager, demandWindowMillis, limit, maxIdle, beyondLimitAfterMillis, nowMillis);
    }

    /** Closes expired connections, and idle ones older than {@code idleMillis} when positive. */
    void closeExpiredAndIdle(long idleMillis) {
        Apache5AsyncIdleConnections.closeExpiredAndIdle(manager, idleMillis);
    }

    /** The host a finished request went to, for DNS watching; null through a proxy or when unknown. */
    static String targetHost(HttpClientContext context) {
        org.apache.hc.client5.http.RouteInfo route = context.getHttpRoute();
        if (route == null || route.getProxyHost() != null) {
            return null;
        }
        return route.getTargetHost().getHostName();
    }

    /**
     * The application client's callback, wrapped: the failure kind counted, then the callback (whose own
     * bookkeeping runs first, see {@link Apache5AsyncPooledClient}), then this client's count of requests in
     * flight and the host the request went to.
     */
    static final class TrackedCallback<T> implements FutureCallback<T> {
        private final FutureCallback<T> delegate;
        private final Apache5AsyncRealClient real;
        private final Apache5AsyncManagedPool pool;
        private final HttpClientContext context;

        TrackedCallback(FutureCallback<T> delegate, Apache5AsyncRealClient real, Apache5AsyncManagedPool pool,
                        HttpClientContext context) {
            this.delegate = delegate;
            this.real = real;
            this.pool = pool;
            this.context = context;
        }

        @Override
        public void completed(T result) {
            try {
                delegate.completed(result);
            } finally {
                ended();
            }
        }

        @Override
        public void failed(Exception failure) {
            try {
                try {
                    pool.requestFailed(failure);
                } catch (RuntimeException error) {
                    AgentErrors.record("async request failure count", error);
                }
                delegate.failed(failure);
            } finally {
                ended();
            }
        }

        @Override
        public void cancelled() {
            try {
                delegate.cancelled();
            } finally {
                ended();
            }
        }

        private void ended() {
            real.exit();
            try {
                pool.requestEnded(targetHost(context));
            } catch (RuntimeException error) {
                AgentErrors.record("async request end", error);
            }
        }
    }
}
