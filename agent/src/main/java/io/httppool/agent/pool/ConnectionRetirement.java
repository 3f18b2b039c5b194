package io.httppool.agent.pool;

import java.net.InetAddress;

/**
 * When a pooled connection is retired instead of reused: once past HTTP_POOL_MAX_CONNECTION_LIFETIME
 * (unless the application set a time-to-live of its own, which the library applies), or when its host
 * name no longer resolves to the address it went to ({@link HostAddresses}). Each retirement is counted.
 */
public final class ConnectionRetirement {

    private final ConnectionLifetime lifetime;
    private final HostAddresses hosts;
    private final PoolCounters counters;
    private final Clock clock;

    public ConnectionRetirement(ConnectionLifetime lifetime, HostAddresses hosts, PoolCounters counters, Clock clock) {
        this.lifetime = lifetime;
        this.hosts = hosts;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * True (and counted) when the connection must go.
     *
     * @param lifetimeApplies false where the application's own time-to-live governs the connection
     * @param host            the host name the connection was made for, or null when not watched (a proxy route)
     * @param address         the address it is connected to, or null when unknown
     */
    public boolean retire(long createdMillis, Object connection, boolean lifetimeApplies, String host, InetAddress address) {
        if (lifetimeApplies && lifetime.expired(createdMillis, clock.currentTimeMillis(), connection)) {
            counters.expiredByLifetime();
            return true;
        }
        if (moved(host, address)) {
            counters.retiredByDns();
            return true;
        }
        return false;
    }

    /** True when {@code host} was resolved and no longer points to {@code address} (not counted). */
    public boolean moved(String host, InetAddress address) {
        return host != null && !hosts.stillCurrent(host, address);
    }

    /** A connection was made to {@code host}: watch where the name points. */
    public void connectedTo(String host) {
        hosts.watch(host);
    }

    /** Re-resolves the names of a setup's own DNS resolver (the JVM's is refreshed once for all pools). */
    public void refreshOwnResolver() {
        if (hosts != HostAddresses.jvm()) {
            hosts.refresh();
        }
    }
}
