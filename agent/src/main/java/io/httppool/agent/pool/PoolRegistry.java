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
    /** Guarded by the class: set in premain, taken once (an AtomicReference would load VarHandles there). */
    private static Runnable onFirstPool;

    private PoolRegistry() {
    }

    public static void register(ManagedPool pool) {
        POOLS.add(new WeakReference<>(pool));
        Runnable first = takeOnFirstPool();
        if (first != null) {
            first.run();
        }
    }

    /**
     * Runs {@code action} when the first pool registers (on the registering thread, so it must not block),
     * or never. Health checks and JMX start this way: a JVM that never pools pays nothing for them.
     */
    public static void onFirstPool(Runnable action) {
        synchronized (PoolRegistry.class) {
            onFirstPool = action;
        }
        if (!POOLS.isEmpty()) {
            Runnable first = takeOnFirstPool();
            if (first != null) {
                first.run();
            }
        }
    }

    private static synchronized Runnable takeOnFirstPool() {
        Runnable first = onFirstPool;
        onFirstPool = null;
        return first;
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
