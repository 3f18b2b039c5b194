package io.httppool.agent.instrumentation.jdkhttp;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * What the application gets from {@code HttpClient.newHttpClient()} or {@code builder.build()} under the
 * agent: its own client object, whose exchanges run on the one real client of its setup.
 *
 * <p>Its life is its own, as a client of its own would have it (JDK 21+ API, declared here by name so
 * that it overrides there while this class compiles for 17): {@code shutdown()} refuses new requests
 * ({@code IOException: closed}, as the JDK says) and lets this client's exchanges finish;
 * {@code shutdownNow()} also ends this client's exchanges in flight with {@code IOException: shutdownNow};
 * {@code awaitTermination}, {@code isTerminated} and {@code close()} follow. None of it touches the real
 * client, which other clients go on using. Its settings are answered from what the application gave its
 * builder.
 */
final class JdkPooledClient extends HttpClient {

    private static final int RUNNING = 0;
    private static final int SHUT_DOWN = 1;
    private static final int SHUT_DOWN_NOW = 2;

    private final JdkManagedPool pool;
    private final JdkSetup setup;
    private final Object lock = new Object();
    private final Set<CompletableFuture<?>> asyncInFlight = ConcurrentHashMap.newKeySet();
    private final Set<Thread> sendsInFlight = ConcurrentHashMap.newKeySet();
    private final Set<Thread> abortedSends = ConcurrentHashMap.newKeySet();
    private volatile int state = RUNNING;
    private int inFlight; // guarded by lock

    JdkPooledClient(JdkManagedPool pool, JdkSetup setup) {
        this.pool = pool;
        this.setup = setup;
    }

    // ---- exchanges --------------------------------------------------------------------------------------

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        if (state != RUNNING) {
            throw new IOException("closed", new IOException("closed"));
        }
        Thread caller = Thread.currentThread();
        started(request);
        sendsInFlight.add(caller);
        try {
            return pool.client().send(request, handler);
        } catch (InterruptedException interrupted) {
            if (abortedSends.remove(caller)) {
                // Our own shutdownNow interrupted it: answer as the JDK's shutdownNow does.
                throw new IOException("shutdownNow", new IOException("shutdownNow"));
            }
            throw interrupted;
        } finally {
            sendsInFlight.remove(caller);
            if (abortedSends.remove(caller)) {
                Thread.interrupted(); // ours, not the application's
            }
            ended();
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return sendAsync(request, handler, null);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        if (state != RUNNING) {
            return CompletableFuture.failedFuture(new IOException("closed"));
        }
        started(request);
        CompletableFuture<HttpResponse<T>> real = pushPromiseHandler == null
                ? pool.client().sendAsync(request, handler)
                : pool.client().sendAsync(request, handler, pushPromiseHandler);
        CompletableFuture<HttpResponse<T>> mine = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                real.cancel(mayInterruptIfRunning); // cancelling the JDK's future aborts its exchange
                return super.cancel(mayInterruptIfRunning);
            }
        };
        asyncInFlight.add(mine);
        real.whenComplete((response, failure) -> {
            if (failure != null) {
                mine.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            } else {
                mine.complete(response);
            }
        });
        mine.whenComplete((response, failure) -> {
            if (asyncInFlight.remove(mine)) {
                ended();
            }
        });
        return mine;
    }

    private void started(HttpRequest request) {
        synchronized (lock) {
            inFlight++;
        }
        pool.requestStarting(request.uri());
    }

    private void ended() {
        synchronized (lock) {
            inFlight--;
            if (inFlight == 0) {
                lock.notifyAll();
            }
        }
    }

    // ---- life (JDK 21+ methods, declared by name) --------------------------------------------------------

    /** New requests fail; those in flight finish. */
    public void shutdown() {
        synchronized (lock) {
            if (state == RUNNING) {
                state = SHUT_DOWN;
            }
        }
    }

    /** As {@link #shutdown}, and this client's exchanges in flight end now with {@code IOException: shutdownNow}. */
    public void shutdownNow() {
        synchronized (lock) {
            state = SHUT_DOWN_NOW;
        }
        for (CompletableFuture<?> exchange : asyncInFlight) {
            exchange.completeExceptionally(new IOException("shutdownNow"));
            exchange.cancel(true);
        }
        for (Thread caller : sendsInFlight) {
            abortedSends.add(caller);
            caller.interrupt();
        }
    }

    public boolean awaitTermination(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration);
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (lock) {
            while (!terminated()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    public boolean isTerminated() {
        synchronized (lock) {
            return terminated();
        }
    }

    private boolean terminated() {
        return state != RUNNING && inFlight == 0;
    }

    /** As {@code HttpClient.close()} on JDK 21+: shut down, wait for the exchanges, and on interrupt end them now. */
    public void close() {
        if (isTerminated()) {
            return;
        }
        shutdown();
        boolean interrupted = false;
        while (!isTerminated()) {
            try {
                awaitTermination(Duration.ofDays(1));
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    shutdownNow();
                    if (isTerminated()) {
                        break;
                    }
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- settings: what the application gave its builder ------------------------------------------------

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return Optional.ofNullable(setup.cookieHandler());
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return Optional.ofNullable(setup.connectTimeout());
    }

    @Override
    public Redirect followRedirects() {
        return setup.followRedirects() != null ? setup.followRedirects() : pool.client().followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return Optional.ofNullable(setup.proxy());
    }

    @Override
    public SSLContext sslContext() {
        return setup.sslContext() != null ? setup.sslContext() : pool.client().sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return pool.client().sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return Optional.ofNullable(setup.authenticator());
    }

    @Override
    public Version version() {
        return pool.client().version();
    }

    @Override
    public Optional<Executor> executor() {
        return Optional.ofNullable(setup.executor());
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        return pool.client().newWebSocketBuilder();
    }

    @Override
    public String toString() {
        return pool.client() + " (shared by " + pool.name() + ")";
    }
}
