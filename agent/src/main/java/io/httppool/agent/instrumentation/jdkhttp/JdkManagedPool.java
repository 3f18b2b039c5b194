package io.httppool.agent.instrumentation.jdkhttp;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.ConnectionLifetime;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.BasicManagedPool;
import io.httppool.agent.pool.RenewableClient;
import io.httppool.agent.pool.PoolStats;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One managed JDK client pool: the one real {@code HttpClient} of a setup, whose connections and selector
 * thread every application client of that setup uses. The JDK keeps its own connection pool and
 * keep-alive ({@code jdk.httpclient.keepalive.timeout}) and reports no occupancy, so the agent counts what
 * passes its hooks (requests, connections opened and closed, TLS connections) and renews the whole real
 * client when its connections must go: at HTTP_POOL_MAX_CONNECTION_LIFETIME, when a host name it talks to
 * moved, on recreation. The replaced client finishes what it has in flight and is then shut down (JDK 21+)
 * or left to the garbage collector, which ends its selector thread and closes its connections (JDK 17).
 */
final class JdkManagedPool extends BasicManagedPool {

    private final AtomicInteger open = new AtomicInteger();
    private final RenewableClient<HttpClient> real;

    JdkManagedPool(String name, String library, String setupKind, JdkSetup setup, ConnectionLifetime lifetime,
                   HostAddresses hosts, Clock clock) {
        super(name, library, setupKind);
        this.real = new RenewableClient<>(name, counters(), () -> JdkHttpPools.build(this, setup),
                JdkManagedPool::shutdownWhenIdle, lifetime, hosts, clock, open::get);
    }

    HttpClient client() {
        return real.client();
    }

    /** A request of an application client starts: counted, and its host name watched for moves. */
    void requestStarting(java.net.URI uri) {
        counters().request();
        real.watch(uri != null ? uri.getHost() : null);
    }

    void connectionOpened() {
        counters().connectionCreated();
        open.incrementAndGet();
    }

    void connectionClosed() {
        open.decrementAndGet();
    }

    /** Every second: a real client past its lifetime, or one of whose host names moved, is renewed. */
    @Override
    public void housekeep() {
        real.housekeep();
    }

    /** JDK 21+: {@code shutdown()} lets exchanges in flight finish, then closes the old client's connections. */
    private static void shutdownWhenIdle(HttpClient old) {
        try {
            HttpClient.class.getMethod("shutdown").invoke(old);
        } catch (NoSuchMethodException jdk17) {
            // No shutdown on JDK 17: once unreachable, the old client's selector thread closes its connections.
        } catch (ReflectiveOperationException | RuntimeException error) {
            AgentErrors.record("shutting a replaced JDK HttpClient down", error);
        }
    }

    // ---- ManagedPool ---------------------------------------------------------------------------------




    /** The JDK reports no occupancy. */
    @Override
    public PoolStats stats() {
        return PoolStats.NONE;
    }


    @Override
    public boolean isOpen() {
        return true;
    }

    /** The JDK expires idle connections itself. */
    @Override
    public int maintain(Duration idleExpiry, int maxIdle) {
        return 0;
    }

    /** The JDK closes no chosen idle connection: the real client is renewed instead (its idle connections go with the old one). */
    @Override
    public int evictIdle() {
        real.renew("idle connections evicted on request", false);
        return 0;
    }

    @Override
    public void recreate(String reason) {
        real.renew(reason, true);
    }

    @Override
    public void shutdown(Duration grace) {
        // JVM exit: the JDK's selector threads are daemons; exchanges in flight end with the JVM as without the agent.
    }

}
