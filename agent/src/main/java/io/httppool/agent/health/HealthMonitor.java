package io.httppool.agent.health;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.metrics.CounterSnapshot;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolHealth;
import io.httppool.agent.metrics.PoolHealthRegistry;
import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolStats;
import io.httppool.agent.threads.AgentThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Checks every managed pool on one daemon thread, every HTTP_POOL_HEALTH_INTERVAL: housekeeping, long-lease
 * reports, a verdict from {@link HealthRules}, and recreation of a pool found UNHEALTHY. Between checks a
 * cheap sweep gives pools created meanwhile their first check, so they appear in reports within a second.
 * Nothing a pool throws stops the thread: every pool and every run is guarded, and errors are counted.
 */
public final class HealthMonitor {

    public static final String THREAD_NAME = "http-pool-agent-health";

    /** How often to look for pools created since the last check, when checks are further apart than that. */
    static final Duration NEW_POOL_SWEEP = Duration.ofSeconds(1);

    /** How often every pool gets its cheap upkeep ({@link ManagedPool#housekeep}) and watched host names are re-resolved. */
    static final Duration HOUSEKEEPING = Duration.ofSeconds(1);

    /** The counters a pool's next check is compared with, and whether this check already recreated it. */
    private record Baseline(CounterSnapshot counters, long nanoTime, boolean recreated) {
    }

    private final HealthSettings settings;
    private final Supplier<List<ManagedPool>> pools;
    private final PoolHealthRegistry healthRegistry;
    private final HealthRules rules;
    private final List<CheckListener> listeners;

    /** By pool name. Touched only inside the synchronized runs, i.e. by the health thread (or a test). */
    private final Map<String, Baseline> baselines = new HashMap<>();
    /** Pools whose first check was attempted, even when it threw: the sweep must not retry them every second. */
    private final Set<String> known = new HashSet<>();

    /** Guards {@link #executor} only: stopping must not wait for a check that holds the monitor's lock. */
    private final Object lifecycle = new Object();
    private ScheduledExecutorService executor;

    public HealthMonitor(HealthSettings settings, Supplier<List<ManagedPool>> pools, PoolHealthRegistry healthRegistry,
                         HealthRules rules, List<CheckListener> listeners) {
        this.settings = settings;
        this.pools = pools;
        this.healthRegistry = healthRegistry;
        this.rules = rules;
        this.listeners = List.copyOf(listeners);
    }

    /** Starts the health thread; the first full check runs one interval from now. Does nothing when running. */
    public void start() {
        start(0);
    }

    /**
     * Starts the health thread as if it had been started {@code waitedMillis} ago: every run's first time is that
     * much sooner (never in the past). Does nothing when running.
     */
    public void start(long waitedMillis) {
        synchronized (lifecycle) {
            if (executor == null) {
                executor = newScheduler(waitedMillis);
                AgentLog.log().debug("Health monitor started: every {}", Durations.describe(settings.interval()));
            }
        }
    }

    private ScheduledExecutorService newScheduler(long waitedMillis) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, AgentThreads.daemonFactory(THREAD_NAME, false));
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        long intervalMillis = Math.max(1, settings.interval().toMillis());
        scheduler.scheduleWithFixedDelay(this::runGuarded, firstIn(intervalMillis, waitedMillis), intervalMillis, TimeUnit.MILLISECONDS);
        long housekeepingMillis = HOUSEKEEPING.toMillis();
        scheduler.scheduleWithFixedDelay(this::housekeepGuarded, firstIn(housekeepingMillis, waitedMillis), housekeepingMillis,
                TimeUnit.MILLISECONDS);
        if (settings.interval().compareTo(NEW_POOL_SWEEP) > 0) {
            long sweepMillis = NEW_POOL_SWEEP.toMillis();
            scheduler.scheduleWithFixedDelay(this::sweepGuarded, firstIn(sweepMillis, waitedMillis), sweepMillis, TimeUnit.MILLISECONDS);
        }
        return scheduler;
    }

    /** When a task repeated every {@code periodMillis} first runs, in a monitor whose set-up waited {@code waitedMillis}. */
    static long firstIn(long periodMillis, long waitedMillis) {
        return Math.max(0, periodMillis - waitedMillis);
    }

    /**
     * How long after the start the first run of any kind comes (a check, the housekeeping or the sweep of new
     * pools): the health thread can be set up that much later, then {@link #start(long) started} as if it had
     * not waited, and every run keeps its time.
     */
    public static long firstRunMillis(Duration interval) {
        return Math.max(0, Math.min(interval.toMillis(), Math.min(HOUSEKEEPING.toMillis(), NEW_POOL_SWEEP.toMillis())));
    }

    /** Stops the health thread, interrupting a check in progress; waits briefly for it to end. */
    public void stop() {
        ScheduledExecutorService running;
        synchronized (lifecycle) {
            running = executor;
            executor = null;
        }
        if (running == null) {
            return;
        }
        running.shutdownNow();
        try {
            running.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One full health check of every live pool, then the listeners. */
    public synchronized void runOnce() {
        List<ManagedPool> live = livePools();
        for (ManagedPool pool : live) {
            checkPool(pool);
        }
        forgetVanished(live);
        notifyListeners(live);
    }

    /** First checks of pools created since the last run; the listeners hear of it when the set of pools changed. */
    public synchronized void sweepNewPools() {
        List<ManagedPool> live = livePools();
        boolean changed = false;
        for (ManagedPool pool : live) {
            String name = nameOf(pool);
            if (name != null && !known.contains(name)) {
                checkPool(pool);
                changed = true;
            }
        }
        changed |= forgetVanished(live);
        if (changed) {
            notifyListeners(live);
        }
    }

    /**
     * Re-resolves the host names pooled connections go to, then lets every pool close what it should not
     * keep (connections to moved addresses, idle ones beyond the keep-alive limit). Not synchronized with
     * the checks: it only closes idle connections, which a check may see either way.
     */
    public void housekeep() {
        try {
            HostAddresses.jvm().refresh();
        } catch (Throwable error) {
            AgentErrors.record("re-resolving pooled host names", error);
        }
        for (ManagedPool pool : livePools()) {
            try {
                pool.housekeep();
            } catch (Throwable error) {
                AgentErrors.record("housekeeping of pool " + nameOf(pool), error);
            }
        }
    }

    private void housekeepGuarded() {
        try {
            FaultPoint.reached("housekeeping");
            housekeep();
        } catch (Throwable error) {
            AgentErrors.record("housekeeping", error);
        }
    }

    private void runGuarded() {
        try {
            FaultPoint.reached("healthCheck");
            runOnce();
        } catch (Throwable error) {
            // A periodic task that throws is never run again: nothing may escape.
            AgentErrors.record("health check run", error);
        }
    }

    private void sweepGuarded() {
        try {
            FaultPoint.reached("healthSweep");
            sweepNewPools();
        } catch (Throwable error) {
            AgentErrors.record("health check sweep", error);
        }
    }

    private List<ManagedPool> livePools() {
        try {
            return pools.get();
        } catch (Throwable error) {
            AgentErrors.record("listing pools for health check", error);
            return List.of();
        }
    }

    private void checkPool(ManagedPool pool) {
        String name = nameOf(pool);
        if (name == null) {
            return;
        }
        known.add(name);
        maintain(pool, name);
        try {
            FaultPoint.reached("poolCheck");
            long now = System.nanoTime();
            CounterSnapshot counters = CounterSnapshot.of(pool.counters());
            boolean open = pool.isOpen();
            PoolStats stats = pool.stats();
            Baseline previous = baselines.get(name);
            CheckInput input = previous == null
                    ? new CheckInput(open, stats, counters.minus(CounterSnapshot.ZERO), null)
                    : new CheckInput(open, stats, counters.minus(previous.counters()), Duration.ofNanos(now - previous.nanoTime()));
            Verdict verdict = rules.evaluate(input);
            boolean recreate = verdict.state() == HealthState.UNHEALTHY;
            baselines.put(name, new Baseline(counters, now, recreate));
            PoolHealth health = recreate
                    ? recover(pool, name, verdict, previous != null && previous.recreated())
                    : new PoolHealth(verdict.state(), verdict.reason(), Instant.now());
            healthRegistry.record(name, health);
        } catch (Throwable error) {
            AgentErrors.record("health check of pool " + name, error);
            // The agent cannot tell, which is no evidence against the pool: not DOWN, and no recreation.
            healthRegistry.record(name, new PoolHealth(HealthState.DEGRADED, "health check failed: " + error, Instant.now()));
        }
    }

    private void maintain(ManagedPool pool, String name) {
        try {
            pool.maintain(settings.idleExpiry(), settings.maxIdle());
        } catch (Throwable error) {
            AgentErrors.record("maintenance of pool " + name, error);
        }
        if (settings.leakThreshold().isZero()) {
            return;
        }
        try {
            pool.reportLongLeases(settings.leakThreshold());
        } catch (Throwable error) {
            AgentErrors.record("long-lease report of pool " + name, error);
        }
    }

    /**
     * Replaces an UNHEALTHY pool. When the replacement is open, the pool is recorded DEGRADED: requests are
     * served again, and an application must not stay DOWN for a whole interval after a successful recovery.
     * When the previous check had recreated it too, recreation does not help, and the pool stays UNHEALTHY.
     */
    private PoolHealth recover(ManagedPool pool, String name, Verdict verdict, boolean recreatedLastTime) {
        AgentLog.log().warn("Health check: pool {} is UNHEALTHY ({}); recreating it", name, verdict.reason());
        try {
            pool.recreate(verdict.reason());
        } catch (Throwable error) {
            AgentErrors.record("recreation of pool " + name, error);
            return new PoolHealth(HealthState.UNHEALTHY, verdict.reason() + "; recreating it failed: " + error, Instant.now());
        }
        if (recreatedLastTime) {
            return new PoolHealth(HealthState.UNHEALTHY, verdict.reason() + " (again after the last recreation)", Instant.now());
        }
        boolean reopened;
        try {
            reopened = pool.isOpen();
        } catch (Throwable error) {
            AgentErrors.record("health check of pool " + name, error);
            reopened = false;
        }
        return reopened
                ? new PoolHealth(HealthState.DEGRADED, "recreated, was " + verdict.reason(), Instant.now())
                : new PoolHealth(HealthState.UNHEALTHY, verdict.reason() + "; still not open after recreation", Instant.now());
    }

    /** Drops what is kept about pools no longer registered; true when there were any. */
    private boolean forgetVanished(List<ManagedPool> live) {
        Set<String> liveNames = new HashSet<>();
        for (ManagedPool pool : live) {
            String name = nameOf(pool);
            if (name != null) {
                liveNames.add(name);
            }
        }
        boolean vanished = known.retainAll(liveNames);
        baselines.keySet().retainAll(liveNames);
        healthRegistry.retainOnly(liveNames);
        return vanished;
    }

    private void notifyListeners(List<ManagedPool> live) {
        if (listeners.isEmpty()) {
            return;
        }
        MetricsSnapshot snapshot = MetricsSnapshot.take(new ArrayList<>(live), healthRegistry);
        for (CheckListener listener : listeners) {
            try {
                listener.checked(live, snapshot);
            } catch (Throwable error) {
                AgentErrors.record("health check listener " + listener.getClass().getName(), error);
            }
        }
    }

    private static String nameOf(ManagedPool pool) {
        try {
            return pool.name();
        } catch (Throwable error) {
            AgentErrors.record("health check: pool name", error);
            return null;
        }
    }
}
