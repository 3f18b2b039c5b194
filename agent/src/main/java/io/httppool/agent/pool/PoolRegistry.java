package io.httppool.agent.pool;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every managed pool of every class loader, for reporting. Pools are held weakly: each library's own
 * registry (a static of a helper class in the application's class loader) keeps its pools alive, so a
 * web application that is undeployed takes its pools with it instead of being pinned by the agent.
 */
public final class PoolRegistry {

    private static final List<WeakReference<ManagedPool>> POOLS = new CopyOnWriteArrayList<>();
    private static final java.util.concurrent.atomic.AtomicReference<Runnable> ON_FIRST_POOL =
            new java.util.concurrent.atomic.AtomicReference<>();

    private PoolRegistry() {
    }

    public static void register(ManagedPool pool) {
        POOLS.add(new WeakReference<>(pool));
        Runnable first = ON_FIRST_POOL.getAndSet(null);
        if (first != null) {
            first.run();
        }
    }

    /**
     * Runs {@code action} when the first pool registers (on the registering thread, so it must not block),
     * or never. Health checks and JMX start this way: a JVM that never pools pays nothing for them.
     */
    public static void onFirstPool(Runnable action) {
        ON_FIRST_POOL.set(action);
        if (!POOLS.isEmpty()) {
            Runnable first = ON_FIRST_POOL.getAndSet(null);
            if (first != null) {
                first.run();
            }
        }
    }

    public static void unregister(ManagedPool pool) {
        POOLS.removeIf(ref -> ref.get() == null || ref.get() == pool);
    }

    /** The live pools, in registration order. */
    public static List<ManagedPool> all() {
        List<ManagedPool> live = new ArrayList<>();
        boolean sawCleared = false;
        for (WeakReference<ManagedPool> ref : POOLS) {
            ManagedPool pool = ref.get();
            if (pool != null) {
                live.add(pool);
            } else {
                sawCleared = true;
            }
        }
        if (sawCleared) {
            POOLS.removeIf(ref -> ref.get() == null);
        }
        return live;
    }
}
