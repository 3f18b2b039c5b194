package io.httppool.agent.pool;

import io.httppool.agent.log.AgentLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The managed pools of one library in one class loader, keyed by the fingerprint of their connection
 * setup. A library's helper keeps one instance in a static field, so every class loader that has the
 * library gets its own registry (two web applications never share a pool).
 *
 * <p>At most {@value #MAX_CUSTOM_SETUPS} custom setups get a pool: an application that makes a new
 * {@code SSLContext} for every request produces a new setup every time, and gets its per-request
 * behaviour back (with one log line) instead of an ever-growing number of pools. A setup whose managed
 * pool the application reconfigured after it was handed out leaves sharing for good.
 *
 * @param <P> the library's pool type
 */
public final class SetupRegistry<P extends ManagedPool> {

    public static final int MAX_CUSTOM_SETUPS = 16;

    private final String libraryId;
    private final String libraryName;
    private final String loaderSuffix;
    private final Map<SetupFingerprint, P> bySetup = new ConcurrentHashMap<>();
    private final Set<SetupFingerprint> leftSharing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger customSetups = new AtomicInteger();

    /**
     * @param loader the class loader whose copy of the library this registry serves; its pools' names say
     *               which loader when it is not the application class loader
     */
    public SetupRegistry(String libraryId, String libraryName, ClassLoader loader) {
        this.libraryId = libraryId;
        this.libraryName = libraryName;
        this.loaderSuffix = loaderSuffix(loader);
    }

    /** The pool of {@code setup}, or null (not created yet, or left sharing). */
    public P get(SetupFingerprint setup) {
        return bySetup.get(setup);
    }

    /**
     * The pool of {@code setup}, created by {@code create} (given the pool's name) on first use; null when
     * the setup may not be pooled (left sharing, or too many custom setups).
     *
     * @param kind {@code default}, {@code system} or {@code custom}: what the pool's name and reports say
     */
    public P getOrCreate(SetupFingerprint setup, String kind, Function<String, P> create) {
        P pool = bySetup.get(setup);
        if (pool != null || leftSharing.contains(setup)) {
            return pool;
        }
        synchronized (this) {
            pool = bySetup.get(setup);
            if (pool != null || leftSharing.contains(setup)) {
                return pool;
            }
            boolean custom = "custom".equals(kind);
            if (custom && customSetups.get() >= MAX_CUSTOM_SETUPS) {
                AgentLog.warnOnce(libraryId + "-setups" + loaderSuffix, "More than " + MAX_CUSTOM_SETUPS + " distinct connection"
                        + " setups (TLS, sockets, resolvers) seen for " + libraryName + "; further ones are not pooled. An"
                        + " application that makes a new SSLContext or strategy object per request gets no benefit from the"
                        + " agent for those clients.", null);
                return null;
            }
            String name = libraryId + "/" + (custom ? "custom-" + customSetups.incrementAndGet() : kind) + loaderSuffix;
            pool = create.apply(name);
            bySetup.put(setup, pool);
            PoolRegistry.register(pool);
            return pool;
        }
    }

    /**
     * The application reconfigured {@code pool}'s connections after it was handed out: that setup is no
     * longer pooled, and the pool leaves the reports.
     */
    public synchronized void leaveSharing(P pool) {
        bySetup.entrySet().removeIf(entry -> {
            if (entry.getValue() == pool) {
                leftSharing.add(entry.getKey());
                return true;
            }
            return false;
        });
        PoolRegistry.unregister(pool);
    }

    /** How many custom setups got a pool so far (at most {@value #MAX_CUSTOM_SETUPS}). */
    public int customSetups() {
        return customSetups.get();
    }

    public List<P> pools() {
        return new ArrayList<>(bySetup.values());
    }

    private static String loaderSuffix(ClassLoader loader) {
        if (loader == null || loader == ClassLoader.getSystemClassLoader()) {
            return "";
        }
        return "@" + loader.getClass().getSimpleName() + "-" + Integer.toHexString(System.identityHashCode(loader));
    }
}
