package io.httppool.agent.testing;

import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link ManagedPool} whose figures a test sets, and which records what the agent asked of it. */
public final class FakePool implements ManagedPool {

    private final String name;
    private final PoolCounters counters = new PoolCounters();
    private volatile PoolStats stats = new PoolStats(0, 0, 0, 10);
    private volatile boolean open = true;
    private volatile boolean reopenOnRecreate = true;
    private volatile boolean throwing;

    public final AtomicInteger maintainCalls = new AtomicInteger();
    public final AtomicInteger evictCalls = new AtomicInteger();
    public final AtomicInteger housekeepCalls = new AtomicInteger();
    public final List<Duration> longLeaseThresholds = new CopyOnWriteArrayList<>();
    public final List<String> recreateReasons = new CopyOnWriteArrayList<>();
    public final List<Duration> shutdownGraces = new CopyOnWriteArrayList<>();
    public volatile Duration lastIdleExpiry;
    public volatile int lastMaxIdle = -1;

    public FakePool(String name) {
        this.name = name;
    }

    public FakePool stats(int leased, int available, int pending, int max) {
        this.stats = new PoolStats(leased, available, pending, max);
        return this;
    }

    public FakePool open(boolean open) {
        this.open = open;
        return this;
    }

    /** When false, {@link #recreate} leaves the pool closed: a recovery that does not help. */
    public FakePool reopenOnRecreate(boolean reopen) {
        this.reopenOnRecreate = reopen;
        return this;
    }

    /** When true, every method but {@link #name()} throws, like a pool implementation with a bug. */
    public FakePool throwing(boolean throwing) {
        this.throwing = throwing;
        return this;
    }

    public PoolCounters counterHandle() {
        return counters;
    }

    private void maybeThrow() {
        if (throwing) {
            throw new IllegalStateException("fake pool " + name + " is broken");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String library() {
        maybeThrow();
        return "Fake HTTP 1.0";
    }

    @Override
    public String setup() {
        maybeThrow();
        return "default";
    }

    @Override
    public PoolStats stats() {
        maybeThrow();
        return stats;
    }

    @Override
    public PoolCounters counters() {
        maybeThrow();
        return counters;
    }

    @Override
    public boolean isOpen() {
        maybeThrow();
        return open;
    }

    @Override
    public int maintain(Duration idleExpiry, int maxIdle) {
        maintainCalls.incrementAndGet();
        maybeThrow();
        lastIdleExpiry = idleExpiry;
        lastMaxIdle = maxIdle;
        return 0;
    }

    @Override
    public void housekeep() {
        housekeepCalls.incrementAndGet();
        maybeThrow();
    }

    @Override
    public int evictIdle() {
        maybeThrow();
        evictCalls.incrementAndGet();
        return 3;
    }

    @Override
    public void recreate(String reason) {
        maybeThrow();
        recreateReasons.add(reason);
        counters.recreated();
        if (reopenOnRecreate) {
            open = true;
        }
    }

    @Override
    public void shutdown(Duration grace) {
        maybeThrow();
        shutdownGraces.add(grace);
        open = false;
    }

    @Override
    public int reportLongLeases(Duration threshold) {
        maybeThrow();
        longLeaseThresholds.add(threshold);
        return 0;
    }
}
