package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.function.Supplier;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorShutdownException;
import org.apache.hc.core5.reactor.IOReactorStatus;
import org.apache.hc.core5.util.TimeValue;

/**
 * The client an application gets from {@code HttpAsyncClients.createDefault()} (and the other builds) under
 * the agent: a client of its own, with no thread, connection or reactor of its own. Its requests run on the
 * shared real client of its setup ({@link Apache5AsyncManagedPool}) with its own cookie store, credentials
 * provider and request config in their context ({@link Apache5AsyncClientState}); its start, status,
 * shutdown and close are its own ({@link Apache5AsyncLifecycle}) and never reach the shared client. Each
 * request has its own future and callback: the library completes exactly the one of the request it ran.
 *
 * <p>A client whose shared path fails for a reason of the agent's, or whose connection manager the
 * application reconfigured after building it, leaves sharing: from then on it runs on a client of its own,
 * built as the library would have built it.
 */
public final class Apache5AsyncPooledClient extends CloseableHttpAsyncClient {

    private final Apache5AsyncManagedPool pool;
    private final Apache5AsyncSetup setup;
    private final Apache5AsyncClientState state;
    private final Apache5AsyncLifecycle life;
    private final Set<Exchange<?>> exchanges = ConcurrentHashMap.newKeySet();
    private volatile Apache5AsyncPushRegistry pushRegistry;
    private volatile CloseableHttpAsyncClient own;

    Apache5AsyncPooledClient(Apache5AsyncManagedPool pool, Apache5AsyncSetup setup, Apache5AsyncClientState state) {
        this.pool = pool;
        this.setup = setup;
        this.state = state;
        this.life = new Apache5AsyncLifecycle(state.ownsManager());
    }

    // ---- life ---------------------------------------------------------------------------------------------

    @Override
    public void start() {
        life.start();
        CloseableHttpAsyncClient mine = own;
        if (mine != null) {
            mine.start();
        }
    }

    @Override
    public IOReactorStatus getStatus() {
        return IOReactorStatus.valueOf(life.status().name());
    }

    @Override
    public void awaitShutdown(TimeValue waitTime) throws InterruptedException {
        life.awaitShutdown(waitTime.toMilliseconds());
    }

    @Override
    public void initiateShutdown() {
        life.initiateShutdown();
        CloseableHttpAsyncClient mine = own;
        if (mine != null) {
            mine.initiateShutdown();
        }
    }

    /** Ends this client's requests as its own reactor would (after up to 5 s for GRACEFUL); nothing shared is closed. */
    @Override
    public void close(CloseMode closeMode) {
        boolean drained = life.close(closeMode != CloseMode.IMMEDIATE);
        if (!drained) {
            for (Exchange<?> exchange : exchanges) {
                exchange.abort();
            }
        }
        CloseableHttpAsyncClient mine = own;
        if (mine != null) {
            mine.close(closeMode);
        }
        state.closeApplicationManager(closeMode);
    }

    @Override
    public void close() {
        close(CloseMode.GRACEFUL);
    }

    @Override
    @Deprecated
    public void register(String hostname, String uriPattern, Supplier<AsyncPushConsumer> supplier) {
        Apache5AsyncPushRegistry registry = pushRegistry;
        if (registry == null) {
            synchronized (this) {
                registry = pushRegistry;
                if (registry == null) {
                    registry = new Apache5AsyncPushRegistry();
                    pushRegistry = registry;
                }
            }
        }
        registry.register(hostname, uriPattern, supplier);
    }

    // ---- requests -----------------------------------------------------------------------------------------

    @Override
    protected <T> Future<T> doExecute(HttpHost target, AsyncRequestProducer requestProducer,
                                      AsyncResponseConsumer<T> responseConsumer,
                                      HandlerFactory<AsyncPushConsumer> pushHandlerFactory, HttpContext context,
                                      FutureCallback<T> callback) {
        Apache5AsyncLifecycle.Refusal refusal = life.admit();
        if (refusal != null) {
            BasicFuture<T> refused = new BasicFuture<>(callback);
            refused.failed(refusalOf(refusal));
            return refused;
        }
        Exchange<T> exchange = new Exchange<>(callback);
        exchanges.add(exchange);
        HandlerFactory<AsyncPushConsumer> push = pushRegistry != null ? pushRegistry.after(pushHandlerFactory) : pushHandlerFactory;
        try {
            CloseableHttpAsyncClient mine = own != null ? own : leaveSharingIfReconfigured();
            Future<T> future = mine != null
                    ? mine.execute(target, requestProducer, responseConsumer, push, context, exchange)
                    : pool.execute(target, requestProducer, responseConsumer, push, context, state, exchange);
            exchange.started(future);
            return future;
        } catch (RuntimeException | Error thrown) {
            exchange.end();
            throw thrown;
        }
    }

    /** What the library's own client says when it refuses a request in that state. */
    private static Exception refusalOf(Apache5AsyncLifecycle.Refusal refusal) {
        if (refusal == Apache5AsyncLifecycle.Refusal.NOT_STARTED) {
            return new CancellationException("Request execution cancelled");
        }
        if (refusal == Apache5AsyncLifecycle.Refusal.POOL_SHUT_DOWN) {
            return new IllegalStateException("Connection pool shut down");
        }
        return new IOReactorShutdownException("I/O reactor has been shut down");
    }

    /**
     * The application reconfigured the connection manager it gave this client's builder (setMaxTotal,
     * setDefaultTlsConfig...): the shared client, built from the manager's original setup, no longer does
     * what it asked, so this client gets its own, as without the agent.
     */
    private CloseableHttpAsyncClient leaveSharingIfReconfigured() {
        if (!state.managerReconfigured()) {
            return null;
        }
        synchronized (this) {
            if (own == null) {
                try {
                    CloseableHttpAsyncClient built = setup.buildPrivate(state);
                    if (life.status() != Apache5AsyncLifecycle.Status.INACTIVE) {
                        built.start();
                    }
                    own = built;
                    AgentLog.infoOnce("apache5-async-left:" + pool.name(), "A client of pool " + pool.name() + " had its"
                            + " connection manager reconfigured after it was built; it now runs on a client of its own");
                } catch (RuntimeException error) {
                    AgentErrors.record("building an async client of its own", error);
                    return null;
                }
            }
            return own;
        }
    }

    @Override
    public String toString() {
        return "CloseableHttpAsyncClient of pool " + pool.name() + " (" + getStatus() + ")";
    }

    /**
     * One request of this client: its own callback, told after this client's bookkeeping (so that a
     * {@code close()} from inside the callback does not wait for the very request it runs in), and its future,
     * which {@code close(IMMEDIATE)} ends as the closing of a client's own connections would.
     */
    final class Exchange<T> implements FutureCallback<T> {
        private final FutureCallback<T> application;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Future<T> future;
        private volatile boolean aborted;

        Exchange(FutureCallback<T> application) {
            this.application = application;
        }

        void started(Future<T> future) {
            this.future = future;
            if (aborted) {
                abort();
            }
        }

        void abort() {
            aborted = true;
            Future<T> running = future;
            if (running == null || running.isDone()) {
                return;
            }
            if (running instanceof BasicFuture) {
                ((BasicFuture<T>) running).failed(new ConnectionClosedException("Connection is closed"));
            }
            running.cancel(true); // cancels the exchange behind it; its connection is discarded
        }

        void end() {
            if (ended.compareAndSet(false, true)) {
                exchanges.remove(this);
                life.ended();
            }
        }

        @Override
        public void completed(T result) {
            end();
            if (application != null) {
                application.completed(result);
            }
        }

        @Override
        public void failed(Exception failure) {
            end();
            if (application != null) {
                application.failed(failure);
            }
        }

        @Override
        public void cancelled() {
            end();
            if (application != null) {
                application.cancelled();
            }
        }
    }
}
