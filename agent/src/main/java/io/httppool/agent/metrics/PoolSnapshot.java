package io.httppool.agent.metrics;

import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolStats;

/** Everything reported about one pool, read at one moment: identity, occupancy, counters and last verdict. */
public record PoolSnapshot(String name, String library, String setup, boolean open, PoolStats stats,
                           CounterSnapshot counters, PoolHealth health) {

    /** Reads {@code pool} now; may throw whatever the pool's implementation throws. */
    public static PoolSnapshot read(ManagedPool pool, PoolHealthRegistry healthRegistry) {
        String name = pool.name();
        return new PoolSnapshot(name, pool.library(), pool.setup(), pool.isOpen(), pool.stats(),
                CounterSnapshot.of(pool.counters()), healthRegistry.get(name));
    }
}
