package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.pool.BasicManagedPool;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.ConnectionLifetime;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolStats;
import io.httppool.agent.pool.RenewableClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
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

/**
 * One managed async pool: the one real client of a setup (its I/O reactor threads and connections), which
 * every application client of that setup runs its requests on. The whole real client is renewed when its
 * connections must go (lifetime, a host name that moved, recreation: {@link RenewableClient}); a replaced
 * one finishes what it has in flight and is then closed by the housekeeping thread.
 *
 * <p>HTTP/1 builder: the agent's connection manager reports occupancy, and idle connections beyond
 * HTTP_MAX_KEEPALIVE_CONNECTIONS or HTTP_KEEPALIVE_EXPIRY are closed by the upkeep. HTTP/2 builder: one
 * multiplexed connection per host, which the library keeps itself; no occupancy figures.
 */
final class Apache5AsyncManagedPool extends BasicManagedPool {

    /** A replaced client still busy after this long is closed anyway (a stream that never ends). */
    static final long MAX_DRAIN_MILLIS = 10 * 60_000;
    /** Idle connections beyond HTTP_MAX_CONNECTIONS are closed once idle this long (checked every second). */
    static final long IDLE_BEYOND_LIMIT_MILLIS = 1_000;

    private final AgentConfig config;
    private final HostAddresses hosts;
    private final Clock clock;
    private final int reportedMax;
    /** See {@link Apache5AsyncIdleConnections#trimAfterMillis}. */
    private final long demandWindowMillis;
    private final List<Apache5AsyncRealClient> retired = new CopyOnWriteArrayList<>();
    private final RenewableClient<Apache5AsyncRealClient> real;

    Apache5AsyncManagedPool(String name, String library, String kind, Apache5AsyncSetup setup, AgentConfig config,
                            HostAddresses hosts, Clock clock) {
        super(name, library, kind);
        this.config = config;
        this.hosts = hosts;
        this.clock = clock;
        this.reportedMax = Apache5AsyncManagers.agentLimits(setup.manager()) ? config.maxConnections()
                : Apache5AsyncManagers.limits(setup.manager(), config)[0];
        this.demandWindowMillis = Apache5AsyncIdleConnections.trimAfterMillis(config);
        this.real = new RenewableClient<>(name, counters(), () -> Apache5AsyncRealClient.build(setup, counters(), config),
                this::retire, new ConnectionLifetime(config.maxConnectionLifetime().toMillis()), hosts, clock,
                this::openConnections);
    }

    private int openConnections() {
        return real.client().open();
    }

    private void retire(Apache5AsyncRealClient old) {
        old.retire(clock.currentTimeMillis());
        retired.add(old);
    }

    /**
     * Runs one request of an application client on the current real client, with that client's state in
     * the context. {@code callback} is the application client's (already wrapped for its own bookkeeping).
     */
    <T> Future<T> execute(HttpHost target, AsyncRequestProducer producer, AsyncResponseConsumer<T> consumer,
                          HandlerFactory<AsyncPushConsumer> push, HttpContext context, Apache5AsyncClientState state,
                          FutureCallback<T> callback) {
        counters().request();
        Apache5AsyncRealClient client = admit();
        try {
            HttpClientContext prepared = state.prepare(context, client.contextAdaptor());
            return client.execute(target, producer, consumer, push, prepared,
                    new Apache5AsyncRealClient.TrackedCallback<>(callback, client, this, prepared));
        } catch (RuntimeException | Error thrown) {
            client.exit();
            throw thrown;
        }
    }

    private Apache5AsyncRealClient admit() {
        while (true) {
            Apache5AsyncRealClient client = real.client();
            if (client.enter()) {
                return client;
            }
        }
    }

    void requestFailed(Exception failure) {
        PoolCounters.ErrorKind kind = PoolCounters.ErrorKind.ofFailure(failure);
        if (kind != null) {
            counters().error(kind);
        }
    }

    void requestEnded(String host) {
        real.watch(host);
    }

    // ---- ManagedPool ---------------------------------------------------------------------------------

    @Override
    public PoolStats stats() {
        PoolingAsyncClientConnectionManager manager = real.client().manager();
        if (manager == null) {
            return PoolStats.NONE;
        }
        org.apache.hc.core5.pool.PoolStats stats = manager.getTotalStats();
        return new PoolStats(stats.getLeased(), stats.getAvailable(), stats.getPending(), reportedMax);
    }

    @Override
    public boolean isOpen() {
        return real.client().isOpen();
    }

    @Override
    public int maintain(Duration idleExpiry, int maxIdle) {
        Apache5AsyncRealClient client = real.client();
        PoolingAsyncClientConnectionManager manager = client.manager();
        int before = manager != null ? manager.getTotalStats().getAvailable() : 0;
        client.closeExpiredAndIdle(idleExpiry.toMillis());
        client.trimIdle(demandWindowMillis, reportedMax, maxIdle, 0, clock.currentTimeMillis());
        closeDrained();
        return manager != null ? Math.max(0, before - manager.getTotalStats().getAvailable()) : 0;
    }

    /** Every second: renewal when due, idle connections beyond the keep-alive limit, replaced clients that drained. */
    @Override
    public void housekeep() {
        if (hosts != HostAddresses.jvm()) {
            hosts.refresh(); // the setup's own DNS resolver (the JVM's is refreshed once for all pools)
        }
        real.housekeep();
        real.client().trimIdle(demandWindowMillis, reportedMax, config.maxKeepAliveConnections(), IDLE_BEYOND_LIMIT_MILLIS, clock.currentTimeMillis());
        closeDrained();
    }

    private void closeDrained() {
        long now = clock.currentTimeMillis();
        for (Apache5AsyncRealClient old : retired) {
            if (old.closeIfDrained(now, MAX_DRAIN_MILLIS)) {
                retired.remove(old);
            }
        }
    }

    @Override
    public int evictIdle() {
        PoolingAsyncClientConnectionManager manager = real.client().manager();
        if (manager == null) {
            real.renew("idle connections evicted on request", false); // HTTP/2: its connections go with the old client
            return 0;
        }
        int idle = manager.getTotalStats().getAvailable();
        manager.closeIdle(org.apache.hc.core5.util.TimeValue.ZERO_MILLISECONDS);
        return idle;
    }

    @Override
    public void recreate(String reason) {
        real.renew(reason, true);
    }

    /**
     * JVM exit: new requests go to a client not started yet (another shutdown hook may still send some: the
     * first starts it), the replaced clients get up to {@code grace} for the requests in flight, and each one
     * drained is closed. Why replace the current one: its reactor threads wait in {@code epoll} (native code),
     * and the JVM's final safepoint waits up to ~300 ms for such threads before it exits; without the agent the
     * application's own close had stopped them (measured: a JVM making one async call exited ~330 ms later
     * with the agent). A client still busy when the grace ends is left running, as the JVM halts anyway: its
     * requests are not cut off earlier than without the agent, and closing it could block past the grace.
     */
    @Override
    public void shutdown(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            real.renew("JVM exit", false);
        } catch (RuntimeException error) {
            AgentErrors.record("replacing the shared client of " + name() + " at exit", error);
        }
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Apache5AsyncRealClient old : retired) {
            if (old.inFlight() == 0) {
                old.close(CloseMode.GRACEFUL);
                retired.remove(old);
            }
        }
        try {
            PoolingAsyncClientConnectionManager manager = real.client().manager();
            if (manager != null) {
                manager.closeIdle(org.apache.hc.core5.util.TimeValue.ZERO_MILLISECONDS);
            }
        } catch (RuntimeException error) {
            AgentErrors.record("closing " + name() + " at exit", error);
        }
    }

    private int inFlight() {
        int total = real.client().inFlight();
        for (Apache5AsyncRealClient old : retired) {
            total += old.inFlight();
        }
        return total;
    }
}
