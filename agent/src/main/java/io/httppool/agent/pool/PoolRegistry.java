package io.httppool.agent.pool;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every managed pool of every class loader, for reporting. Pools are held weakly: each library's own
 * registry (a static of a helper class in the application's class loader) keeps its pools alive, so a
 * web application that is undeployed takes its pools with it instead of being pinned by the agent.
 *
 * <p><b>What closes the pools of a collected class loader.</b> Nothing of the agent's own class loader may hold a
 * pool, its connection manager, a connection, a helper class or an application's class loader strongly: threads
 * are made clean ({@link io.httppool.agent.threads.AgentThreads}), the JMX view holds its pool weakly, health
 * verdicts are kept by pool name. An undeployed application's loader is then collected with everything it defined,
 * its pools and their connections included, and that same collection closes the connections: every socket the JDK
 * creates ({@code NioSocketImpl}, JDK 13 and later) registers a {@code Cleaner} that closes its file descriptor once
 * the socket is unreachable, and an idle pooled connection is reachable only through its pool. (A client the
 * application drops without closing it, without the agent, ends the same way.) The agent keeps no closing action
 * of its own on purpose: one able to close the connections would have to hold the manager, the connections or their
 * TLS sockets, and each of those reaches the application's loader (the manager's and connections' classes are the
 * application's; an {@code SSLSocket} holds its {@code SSLContext}, whose trust managers may be the application's),
 * so it would keep the loader, and the pool with it, alive for good. A collected pool leaves {@code /health},
 * {@code /metrics} and JMX at the health thread's next sweep (within a second), which logs that it is no longer
 * reported. WebAppClassLoadersIT checks all of this from outside.
 */
public final class PoolRegistry {

    private static final List<WeakReference<ManagedPool>> POOLS = new CopyOnWriteArrayList<>();
    /** Guarded by the class: set when the first hooked class loads, taken once (no AtomicReference: it would load VarHandles). */
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
