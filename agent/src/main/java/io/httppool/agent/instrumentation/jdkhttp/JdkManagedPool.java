package io.httppool.agent.instrumentation.jdkhttp;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.ConnectionLifetime;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.BasicManagedPool;
import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolStats;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    static final int MAX_WATCHED_HOSTS = 256;

    private final JdkSetup setup;
    private final ConnectionLifetime lifetime;
    private final HostAddresses hosts;
    private final Clock clock;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private volatile Generation current;

    /** A real client and when it was built. */
    private record Generation(HttpClient client, long builtMillis) {
    }

    JdkManagedPool(String name, String library, String setupKind, JdkSetup setup, ConnectionLifetime lifetime,
                   HostAddresses hosts, Clock clock) {
        super(name, library, setupKind);
        this.setup = setup;
        this.lifetime = lifetime;
        this.hosts = hosts;
        this.clock = clock;
        this.current = new Generation(JdkHttpPools.build(this, setup), clock.currentTimeMillis());
    }

    HttpClient client() {
        return current.client();
    }

    /** A request of an application client starts: counted, and its host name watched for moves. */
    void requestStarting(java.net.URI uri) {
        counters().request();
        String host = uri != null ? uri.getHost() : null;
        if (host != null && !watched.contains(host) && watched.size() < MAX_WATCHED_HOSTS) {
            watched.add(host);
            hosts.watch(host);
        }
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
        Generation generation = current;
        long now = clock.currentTimeMillis();
        if (lifetime.expired(generation.builtMillis(), now, generation)) {
            int retiring = Math.max(0, open.get());
            for (int i = 0; i < retiring; i++) {
                counters().expiredByLifetime();
            }
            renew("its connections reached HTTP_POOL_MAX_CONNECTION_LIFETIME", false);
            return;
        }
        for (String host : watched) {
            if (hosts.lastMoveMillis(host) > generation.builtMillis()) {
                int retiring = Math.max(0, open.get());
                for (int i = 0; i < retiring; i++) {
                    counters().retiredByDns();
                }
                renew("host name " + host + " moved to other addresses", false);
                return;
            }
        }
    }

    private synchronized void renew(String reason, boolean counted) {
        Generation old = current;
        current = new Generation(JdkHttpPools.build(this, setup), clock.currentTimeMillis());
        if (counted) {
            counters().recreated();
            AgentLog.log().warn("Pool {} recreated: {}. New requests use a fresh client; requests in flight finish on the old one.",
                    name(), reason);
        } else {
            AgentLog.log().debug("Pool {}: new client, {}", name(), reason);
        }
        shutdownWhenIdle(old.client());
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
        renew("idle connections evicted on request", false);
        return 0;
    }

    @Override
    public void recreate(String reason) {
        renew(reason, true);
    }

    @Override
    public void shutdown(Duration grace) {
        // JVM exit: the JDK's selector threads are daemons; exchanges in flight end with the JVM as without the agent.
    }

}
