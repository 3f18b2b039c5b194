package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.instrumentation.PrivateFields;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.core5.function.Callback;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolEntry;

/**
 * The few private parts of HttpClient 5 the agent must reach: a manager's pool (to close chosen idle
 * connections and to return a leaked entry) and an endpoint's pool-entry reference (to tell a released
 * lease from a leaked one). Looked up once; when a version lacks them, leak reclaim and per-route eviction
 * are off and everything else works.
 */
final class Apache5PoolInternals {

    private static final MethodHandle MANAGER_POOL = PrivateFields.getter(PoolingHttpClientConnectionManager.class, "pool");
    private static final String ENDPOINT_CLASS =
            "org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager$InternalConnectionEndpoint";
    private static final MethodHandle ENDPOINT_ENTRY_REF = findEndpointEntryRef();

    private Apache5PoolInternals() {
    }


    /** The endpoint's holder of its pool entry; null once released, or when this version hides it. */
    @SuppressWarnings("unchecked")
    static AtomicReference<PoolEntry<HttpRoute, ?>> entryRef(ConnectionEndpoint endpoint) {
        if (ENDPOINT_ENTRY_REF == null || !endpoint.getClass().getName().equals(ENDPOINT_CLASS)) {
            return null;
        }
        try {
            return (AtomicReference<PoolEntry<HttpRoute, ?>>) ENDPOINT_ENTRY_REF.invoke(endpoint);
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * Closes the connection of an entry taken away from its endpoint (a leak, or a closed client's lease) and
     * hands the entry back to the pool it came from, not reusable.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void returnDiscarded(PoolingHttpClientConnectionManager manager, PoolEntry<HttpRoute, ?> entry) throws Throwable {
        entry.discardConnection(CloseMode.IMMEDIATE);
        Object pool = MANAGER_POOL.invoke(manager);
        ((org.apache.hc.core5.pool.ManagedConnPool) pool).release(entry, false);
    }

    /** Closes idle connections the predicate selects; returns how many. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int closeIdle(PoolingHttpClientConnectionManager manager, Predicate<PoolEntry<HttpRoute, ?>> select) throws Throwable {
        if (MANAGER_POOL == null) {
            return 0;
        }
        Object pool = MANAGER_POOL.invoke(manager);
        int[] closed = {0};
        Callback<PoolEntry<HttpRoute, ?>> callback = entry -> {
            if (entry.hasConnection() && select.test(entry)) {
                entry.discardConnection(CloseMode.GRACEFUL);
                closed[0]++;
            }
        };
        pool.getClass().getMethod("enumAvailable", Callback.class).invoke(pool, callback);
        if (closed[0] > 0) {
            manager.closeExpired(); // lets the pool drop the now-empty entries right away
        }
        return closed[0];
    }

    /** The route of the endpoint's pool entry, or null when it is released or hidden by this version. */
    static HttpRoute routeOf(ConnectionEndpoint endpoint) {
        AtomicReference<PoolEntry<HttpRoute, ?>> ref = entryRef(endpoint);
        PoolEntry<HttpRoute, ?> entry = ref != null ? ref.get() : null;
        return entry != null ? entry.getRoute() : null;
    }

    /** Entries put in place of a closed client's leased entries; weak, gone once their endpoint is. */
    private static final java.util.Set<PoolEntry<?, ?>> PLACEHOLDERS =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    /**
     * Whether a placeholder was ever made. Every release asks whether its entry is one; until a client is
     * closed with a connection still leased there are none, and the release skips the set's lock (one lock
     * for the whole JVM, taken on every release otherwise).
     */
    private static volatile boolean anyPlaceholder;

    /**
     * Takes the real entry away from an endpoint the application may still hold (its client was closed),
     * leaving an entry without a connection in its place: the endpoint then reports "not connected", as
     * after its client's own pool was closed. Returns the real entry, or null when the endpoint had none.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static PoolEntry<HttpRoute, ?> swapForPlaceholder(AtomicReference<PoolEntry<HttpRoute, ?>> entryRef) {
        PoolEntry<HttpRoute, ?> entry = entryRef.get();
        if (entry == null || PLACEHOLDERS.contains(entry)) {
            return null;
        }
        PoolEntry placeholder = new PoolEntry(entry.getRoute());
        anyPlaceholder = true;
        PLACEHOLDERS.add(placeholder);
        return entryRef.compareAndSet(entry, placeholder) ? entry : null;
    }

    /** True (and the placeholder dropped) when the endpoint holds a placeholder: nothing of the pool to release. */
    static boolean releasePlaceholder(ConnectionEndpoint endpoint) {
        AtomicReference<PoolEntry<HttpRoute, ?>> ref = entryRef(endpoint);
        PoolEntry<HttpRoute, ?> entry = ref != null ? ref.get() : null;
        if (entry != null && anyPlaceholder && PLACEHOLDERS.remove(entry)) {
            ref.compareAndSet(entry, null);
            return true;
        }
        return false;
    }

    /** The address a pooled connection is connected to, or null when it is not (or cannot tell). */
    static java.net.InetAddress remoteAddress(Object connection) {
        if (connection instanceof org.apache.hc.core5.http.HttpConnection) {
            java.net.SocketAddress remote = ((org.apache.hc.core5.http.HttpConnection) connection).getRemoteAddress();
            if (remote instanceof java.net.InetSocketAddress) {
                return ((java.net.InetSocketAddress) remote).getAddress();
            }
        }
        return null;
    }

    /** True when the endpoint's pooled connection was closed by the server (a read of at most 1 ms). */
    static boolean isStale(ConnectionEndpoint endpoint) {
        AtomicReference<PoolEntry<HttpRoute, ?>> ref = entryRef(endpoint);
        PoolEntry<HttpRoute, ?> entry = ref != null ? ref.get() : null;
        Object connection = entry != null ? entry.getConnection() : null;
        if (!(connection instanceof org.apache.hc.core5.http.io.HttpClientConnection)) {
            return false;
        }
        try {
            return ((org.apache.hc.core5.http.io.HttpClientConnection) connection).isStale();
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static MethodHandle findEndpointEntryRef() {
        try {
            Class<?> endpointClass = Class.forName(ENDPOINT_CLASS, false, PoolingHttpClientConnectionManager.class.getClassLoader());
            return PrivateFields.getter(endpointClass, "poolEntryRef");
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
