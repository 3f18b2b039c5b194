package io.httppool.agent.jmx;

import io.httppool.agent.metrics.PoolHealthRegistry;
import io.httppool.agent.metrics.PoolSnapshot;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link PoolMXBean} of one pool. The MBean server holds this object strongly, so it holds the pool
 * weakly: otherwise a registered MBean would keep an undeployed application's pool and class loader alive.
 */
final class PoolView implements PoolMXBean {

    private final String name;
    private final WeakReference<ManagedPool> pool;
    private final PoolHealthRegistry healthRegistry;

    PoolView(ManagedPool pool, PoolHealthRegistry healthRegistry) {
        this.name = pool.name();
        this.pool = new WeakReference<>(pool);
        this.healthRegistry = healthRegistry;
    }

    /** True while this view shows {@code candidate} itself (not just a pool of the same name). */
    boolean shows(ManagedPool candidate) {
        return pool.get() == candidate;
    }

    boolean poolCollected() {
        return pool.get() == null;
    }

    private ManagedPool pool() {
        ManagedPool live = pool.get();
        if (live == null) {
            throw new IllegalStateException("Pool " + name + " no longer exists");
        }
        return live;
    }

    private PoolSnapshot read() {
        return PoolSnapshot.read(pool(), healthRegistry);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getLibrary() {
        return pool().library();
    }

    @Override
    public String getSetup() {
        return pool().setup();
    }

    @Override
    public String getState() {
        return healthRegistry.get(name).stateName();
    }

    @Override
    public String getReason() {
        return healthRegistry.get(name).reason();
    }

    @Override
    public String getLastCheck() {
        java.time.Instant checkedAt = healthRegistry.get(name).checkedAt();
        return checkedAt != null ? checkedAt.toString() : null;
    }

    @Override
    public boolean isOpen() {
        return pool().isOpen();
    }

    @Override
    public int getLeased() {
        return read().stats().leased();
    }

    @Override
    public int getAvailable() {
        return read().stats().available();
    }

    @Override
    public int getPending() {
        return read().stats().pending();
    }

    @Override
    public int getMax() {
        return read().stats().max();
    }

    @Override
    public long getConnectionsCreated() {
        return read().counters().connectionsCreated();
    }

    @Override
    public long getTlsHandshakes() {
        return read().counters().tlsHandshakes();
    }

    @Override
    public long getRequests() {
        return read().counters().requests();
    }

    @Override
    public long getRecreations() {
        return read().counters().recreations();
    }

    @Override
    public long getRefreshes() {
        return read().counters().refreshes();
    }

    @Override
    public long getLeaks() {
        return read().counters().leaks();
    }

    @Override
    public long getOverflows() {
        return read().counters().overflows();
    }

    @Override
    public long getReleasedOnClose() {
        return read().counters().releasedOnClose();
    }

    @Override
    public long getDnsRetired() {
        return read().counters().dnsRetired();
    }

    @Override
    public long getLifetimeExpired() {
        return read().counters().lifetimeExpired();
    }

    @Override
    public Map<String, Long> getErrors() {
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (Map.Entry<ErrorKind, Long> entry : read().counters().errors().entrySet()) {
            byKind.put(entry.getKey().label(), entry.getValue());
        }
        return byKind;
    }

    @Override
    public int evictIdleConnections() {
        return pool().evictIdle();
    }

    @Override
    public void recreate() {
        pool().recreate("requested over JMX");
    }
}
