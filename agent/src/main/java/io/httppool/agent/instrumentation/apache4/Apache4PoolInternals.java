package io.httppool.agent.instrumentation.apache4;

import io.httppool.agent.instrumentation.PrivateFields;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.util.function.Predicate;
import org.apache.http.HttpClientConnection;
import org.apache.http.HttpConnection;
import org.apache.http.HttpInetConnection;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.pool.AbstractConnPool;
import org.apache.http.pool.PoolEntry;
import org.apache.http.pool.PoolEntryCallback;

/**
 * The few package-private parts of HttpClient 4.5 the agent must reach: the pool entry behind a leased
 * connection (its proxy class {@code CPoolProxy} is package-private), a manager's pool (to hand a reclaimed
 * entry back, and to close chosen idle connections). Looked up once; when a version lacks them, leak
 * reclaim, redirects to the manager that leased a connection and per-connection retirement are off, and the
 * library's own behaviour stands.
 */
final class Apache4PoolInternals {

    private static final String PROXY_CLASS = "org.apache.http.impl.conn.CPoolProxy";
    private static final MethodHandle PROXY_ENTRY = PrivateFields.getter(classNamed(PROXY_CLASS), "poolEntry");
    private static final MethodHandle MANAGER_POOL = PrivateFields.getter(PoolingHttpClientConnectionManager.class, "pool");
    private static final Method ENUM_AVAILABLE = findEnumAvailable();

    private Apache4PoolInternals() {
    }

    /** Whether this HttpClient version exposes what the managed pools need. */
    static boolean complete() {
        return PROXY_ENTRY != null && MANAGER_POOL != null && ENUM_AVAILABLE != null;
    }

    /** The pool entry of a leased connection; null once released, or when it is not a pooled connection. */
    static PoolEntry<?, ?> entryOf(HttpClientConnection connection) {
        if (PROXY_ENTRY == null || connection == null || !connection.getClass().getName().equals(PROXY_CLASS)) {
            return null;
        }
        try {
            return (PoolEntry<?, ?>) PROXY_ENTRY.invoke(connection);
        } catch (Throwable e) {
            return null;
        }
    }

    /** The library's pool behind a manager. */
    @SuppressWarnings("rawtypes")
    static AbstractConnPool poolOf(PoolingHttpClientConnectionManager manager) throws Throwable {
        return (AbstractConnPool) MANAGER_POOL.invoke(manager);
    }

    /**
     * Shuts down the connection of an entry taken away from its holder (a leak, or a closed client's lease)
     * and hands the entry back to the pool it came from, not reusable. A second release of the same entry
     * (the application closing its response later) is ignored by the library's pool.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void returnDiscarded(PoolingHttpClientConnectionManager manager, PoolEntry entry) throws Throwable {
        Object connection = entry.getConnection();
        if (connection instanceof HttpConnection) {
            ((HttpConnection) connection).shutdown();
        }
        poolOf(manager).release(entry, false);
    }

    static boolean isShutDown(PoolingHttpClientConnectionManager manager) {
        try {
            return poolOf(manager).isShutdown();
        } catch (Throwable e) {
            return false;
        }
    }

    /** Closes idle connections the predicate selects; returns how many. */
    static int closeIdle(PoolingHttpClientConnectionManager manager, Predicate<PoolEntry<?, ?>> select) throws Throwable {
        if (ENUM_AVAILABLE == null) {
            return 0;
        }
        int[] closed = {0};
        PoolEntryCallback<Object, Object> callback = entry -> {
            if (!entry.isClosed() && select.test(entry)) {
                entry.close();
                closed[0]++;
            }
        };
        ENUM_AVAILABLE.invoke(poolOf(manager), callback); // drops the entries closed here
        return closed[0];
    }

    /** The address a pooled connection is connected to, or null when it is not (or cannot tell). */
    static InetAddress remoteAddress(Object connection) {
        if (connection instanceof HttpInetConnection && ((HttpConnection) connection).isOpen()) {
            return ((HttpInetConnection) connection).getRemoteAddress();
        }
        return null;
    }

    private static Class<?> classNamed(String name) {
        try {
            return Class.forName(name, false, PoolingHttpClientConnectionManager.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Method findEnumAvailable() {
        try {
            Method method = AbstractConnPool.class.getDeclaredMethod("enumAvailable", PoolEntryCallback.class);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
