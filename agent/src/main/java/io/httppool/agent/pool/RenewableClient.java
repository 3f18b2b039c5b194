package io.httppool.agent.pool;

import io.httppool.agent.log.AgentLog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The one real client a managed pool shares between the application's clients of one setup, for libraries
 * whose connections the agent cannot retire one by one (the JDK client, async HttpClient 5): when its
 * connections must go, the whole real client is renewed. That happens at HTTP_POOL_MAX_CONNECTION_LIFETIME,
 * when a host name it talks to moved to other addresses, and on recreation (health check, JMX). New requests
 * go to the new client at once; the replaced one is handed to {@code retire}, which lets what it has in
 * flight finish before its connections close.
 *
 * @param <C> the library's client type (or the adapter's wrapper of it)
 */
public final class RenewableClient<C> {

    /** Most host names watched per pool (bounded memory and lookups). */
    public static final int MAX_WATCHED_HOSTS = 256;

    private final String poolName;
    private final PoolCounters counters;
    private final Supplier<C> build;
    private final Consumer<C> retire;
    private final ConnectionLifetime lifetime;
    private final HostAddresses hosts;
    private final Clock clock;
    private final IntSupplier openConnections;
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private volatile Generation<C> current;

    /** A real client and when it was built. */
    private record Generation<C>(C client, long builtMillis) {
    }

    /**
     * Builds the first client at once.
     *
     * @param openConnections how many connections the current client has open: each one retired by a
     *                        renewal is counted as expired by lifetime or retired by DNS
     */
    public RenewableClient(String poolName, PoolCounters counters, Supplier<C> build, Consumer<C> retire,
                           ConnectionLifetime lifetime, HostAddresses hosts, Clock clock, IntSupplier openConnections) {
        this.poolName = poolName;
        this.counters = counters;
        this.build = build;
        this.retire = retire;
        this.lifetime = lifetime;
        this.hosts = hosts;
        this.clock = clock;
        this.openConnections = openConnections;
        this.current = new Generation<>(build.get(), clock.currentTimeMillis());
    }

    /** The client new requests go to. */
    public C client() {
        return current.client();
    }

    /** A request goes to {@code host}: the name is watched for moves (up to {@value #MAX_WATCHED_HOSTS} names). */
    public void watch(String host) {
        if (host != null && !watched.contains(host) && watched.size() < MAX_WATCHED_HOSTS) {
            watched.add(host);
            hosts.watch(host);
        }
    }

    /** Every second: a client past its lifetime, or one of whose host names moved since it was built, is renewed. */
    public void housekeep() {
        Generation<C> generation = current;
        long now = clock.currentTimeMillis();
        if (lifetime.expired(generation.builtMillis(), now, generation)) {
            countOpen(counters::expiredByLifetime);
            renew("its connections reached HTTP_POOL_MAX_CONNECTION_LIFETIME", false);
            return;
        }
        for (String host : watched) {
            if (hosts.lastMoveMillis(host) > generation.builtMillis()) {
                countOpen(counters::retiredByDns);
                renew("host name " + host + " moved to other addresses", false);
                return;
            }
        }
    }

    private void countOpen(Runnable count) {
        int open = Math.max(0, openConnections.getAsInt());
        for (int i = 0; i < open; i++) {
            count.run();
        }
    }

    /**
     * A new client for new requests; the old one is retired.
     *
     * @param recreation counted and logged at WARN as a recreation (health check, JMX); otherwise routine upkeep
     */
    public synchronized void renew(String reason, boolean recreation) {
        Generation<C> old = current;
        current = new Generation<>(build.get(), clock.currentTimeMillis());
        if (recreation) {
            counters.recreated();
            AgentLog.log().warn("Pool {} recreated: {}. New requests use a fresh client; requests in flight finish on the old one.",
                    poolName, reason);
        } else {
            AgentLog.log().debug("Pool {}: new client, {}", poolName, reason);
        }
        retire.accept(old.client());
    }
}
