package io.httppool.agent.metrics;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health monitor's verdicts by pool name, written by the monitor's thread and read by every report.
 * Holds names and verdicts only, never pools, so it keeps no class loader alive; the monitor drops the
 * entries of pools that disappeared.
 */
public final class PoolHealthRegistry {

    private final Map<String, PoolHealth> byName = new ConcurrentHashMap<>();

    public void record(String poolName, PoolHealth health) {
        byName.put(poolName, health);
    }

    public PoolHealth get(String poolName) {
        return byName.getOrDefault(poolName, PoolHealth.NOT_CHECKED);
    }

    /** Forgets every pool not named in {@code livePoolNames}. */
    public void retainOnly(Collection<String> livePoolNames) {
        byName.keySet().retainAll(livePoolNames);
    }
}
