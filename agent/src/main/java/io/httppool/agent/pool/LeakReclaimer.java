package io.httppool.agent.pool;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.threads.AgentThreads;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Notices leases whose owner (response, client, exec runtime) became unreachable without releasing them,
 * so the connection can be closed and returned to its pool. Without the agent such a leak costs one socket
 * of a client nobody uses; with a shared pool it would cost a pooled connection until the next collection.
 *
 * <p>One daemon thread waits on a reference queue that every {@link LeaseLedger.Lease} (a weak reference
 * to the application's handle) is registered with: no lock is taken per lease, as a {@code Cleaner} would.
 *
 * <p>When a pool has requests waiting or overflowing, some leases may belong to dropped responses: a
 * watchdog then asks for a collection every {@value #WATCH_PERIOD_MILLIS} ms (at most) until that stops,
 * so leaked connections come back before waiters time out. With {@code -XX:+DisableExplicitGC} that
 * request does nothing and leaks come back at the next ordinary GC.
 */
public final class LeakReclaimer {

    static final long WATCH_PERIOD_MILLIS = 200;

    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final AtomicLong LAST_GC_REQUEST = new AtomicLong();
    private static final Set<BooleanSupplier> PRESSED = ConcurrentHashMap.newKeySet();
    private static volatile ScheduledExecutorService watchdog;

    private LeakReclaimer() {
    }

    static ReferenceQueue<Object> queue() {
        return QUEUE;
    }

    /** Starts the reclaimer thread once, when the first lease is watched. */
    static void started() {
        if (!STARTED.get() && STARTED.compareAndSet(false, true)) {
            // A class, not LeakReclaimer::reclaimForever: this runs on the first lease, where a method reference
            // spins a class at first use (~0.5-1.5 ms on a cold JVM).
            AgentThreads.newDaemon(new Runnable() {
                @Override
                public void run() {
                    reclaimForever();
                }
            }, "http-pool-agent-leak-reclaimer").start();
        }
    }

    private static void reclaimForever() {
        while (true) {
            Reference<?> collected;
            try {
                collected = QUEUE.remove();
            } catch (InterruptedException e) {
                return;
            }
            try {
                FaultPoint.reached("leakReclaimer");
                if (collected instanceof LeaseLedger.Lease lease) {
                    lease.collected();
                }
            } catch (Throwable error) {
                AgentErrors.record("leak reclaimer", error);
                if (collected instanceof LeaseLedger.Lease lease) {
                    lease.settle(); // at least its place at the gate comes back; its connection is not reclaimed
                }
            }
        }
    }

    /**
     * A pool has requests waiting (or overflowing): until {@code stillPressed} answers false, collections are
     * requested so leaked leases come back. The same supplier instance may be passed repeatedly; it is watched once.
     */
    public static void pressed(BooleanSupplier stillPressed) {
        requestCollection();
        if (PRESSED.add(stillPressed)) {
            startWatchdog();
        }
    }

    private static synchronized void startWatchdog() {
        if (watchdog != null) {
            return;
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(AgentThreads.daemonFactory("http-pool-agent-leak-watchdog", false));
        watchdog.scheduleWithFixedDelay(LeakReclaimer::checkPressed, WATCH_PERIOD_MILLIS, WATCH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void checkPressed() {
        try {
            FaultPoint.reached("leakWatchdog");
            PRESSED.removeIf(pressed -> !pressed.getAsBoolean());
            if (!PRESSED.isEmpty()) {
                requestCollection();
            }
        } catch (Throwable error) {
            AgentErrors.record("leak watchdog", error);
        }
    }

    private static void requestCollection() {
        long now = System.currentTimeMillis();
        long last = LAST_GC_REQUEST.get();
        if (now - last >= WATCH_PERIOD_MILLIS && LAST_GC_REQUEST.compareAndSet(last, now)) {
            System.gc();
        }
    }
}
