package io.httppool.agent.pool;

import io.httppool.agent.log.AgentLog;
import java.lang.ref.Cleaner;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Notices leases whose owner (response, client, exec runtime) became unreachable without releasing them,
 * so the connection can be closed and returned to its pool. Without the agent such a leak costs one socket
 * of a client nobody uses; with a shared pool it would cost a pooled connection until the next collection.
 *
 * <p>When a pool is exhausted while requests wait, some leases may belong to dropped responses: a watchdog
 * then asks for a collection every {@value #WATCH_PERIOD_MILLIS} ms (at most) until nobody waits, so the
 * cleaner hands those connections to the waiters before their pool timeout expires. With
 * {@code -XX:+DisableExplicitGC} that request does nothing and leaks come back at the next ordinary GC.
 */
public final class LeakReclaimer {

    static final long WATCH_PERIOD_MILLIS = 200;

    private static final Cleaner CLEANER = Cleaner.create(runnable -> daemon(runnable, "http-pool-agent-leak-reclaimer"));
    private static final AtomicLong LAST_GC_REQUEST = new AtomicLong();
    private static final Set<BooleanSupplier> EXHAUSTED = ConcurrentHashMap.newKeySet();
    private static volatile ScheduledExecutorService watchdog;

    private LeakReclaimer() {
    }

    /** Runs {@code onUnreachable} once {@code owner} is phantom reachable, unless cleaned before. */
    public static Cleaner.Cleanable watch(Object owner, Runnable onUnreachable) {
        return CLEANER.register(owner, onUnreachable);
    }

    /**
     * A pool is exhausted: until {@code stillWaiting} answers false, collections are requested so leaked
     * leases come back. The same supplier instance may be passed repeatedly; it is watched once.
     */
    public static void exhausted(BooleanSupplier stillWaiting) {
        requestCollection();
        if (EXHAUSTED.add(stillWaiting)) {
            startWatchdog();
        }
    }

    private static synchronized void startWatchdog() {
        if (watchdog != null) {
            return;
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "http-pool-agent-leak-watchdog"));
        watchdog.scheduleWithFixedDelay(LeakReclaimer::checkExhausted, WATCH_PERIOD_MILLIS, WATCH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void checkExhausted() {
        try {
            EXHAUSTED.removeIf(waiting -> !waiting.getAsBoolean());
            if (!EXHAUSTED.isEmpty()) {
                requestCollection();
            }
        } catch (Throwable error) {
            AgentLog.warnOnce("leak-watchdog", "Leak watchdog check failed: " + error, error);
        }
    }

    private static void requestCollection() {
        long now = System.currentTimeMillis();
        long last = LAST_GC_REQUEST.get();
        if (now - last >= WATCH_PERIOD_MILLIS && LAST_GC_REQUEST.compareAndSet(last, now)) {
            System.gc();
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
