package io.httppool.agent.health;

import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.pool.ManagedPool;
import java.util.List;

/** Told on the health thread after every health check run, and after new pools were checked for the first time. */
@FunctionalInterface
public interface CheckListener {

    /**
     * @param pools    the live pools the run saw
     * @param snapshot their figures and verdicts, read after the run
     */
    void checked(List<ManagedPool> pools, MetricsSnapshot snapshot);
}
