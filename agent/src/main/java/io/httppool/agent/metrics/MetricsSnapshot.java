package io.httppool.agent.metrics;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one source of figures: /health, /metrics, JMX and the log summary all render a snapshot like this,
 * so they cannot disagree about what they saw.
 */
public record MetricsSnapshot(Instant takenAt, List<PoolSnapshot> pools, long suppressedErrors) {

    public MetricsSnapshot {
        pools = List.copyOf(pools);
    }

    /** Every registered pool, now. */
    public static MetricsSnapshot take(PoolHealthRegistry healthRegistry) {
        return take(PoolRegistry.all(), healthRegistry);
    }

    /**
     * Reads {@code pools} now. A pool whose implementation throws is left out of this snapshot (and the
     * error counted): a report must not fail, nor show invented zeros, because one pool misbehaves.
     */
    public static MetricsSnapshot take(List<ManagedPool> pools, PoolHealthRegistry healthRegistry) {
        List<PoolSnapshot> read = new ArrayList<>(pools.size());
        for (ManagedPool pool : pools) {
            try {
                read.add(PoolSnapshot.read(pool, healthRegistry));
            } catch (Throwable error) {
                AgentErrors.record("reading pool figures", error);
            }
        }
        return new MetricsSnapshot(Instant.now(), read, AgentErrors.suppressedCount());
    }

    /** UP unless some pool's last verdict was UNHEALTHY. */
    public boolean up() {
        for (PoolSnapshot pool : pools) {
            if (pool.health().isDown()) {
                return false;
            }
        }
        return true;
    }
}
