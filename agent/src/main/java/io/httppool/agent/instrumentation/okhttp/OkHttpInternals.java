package io.httppool.agent.instrumentation.okhttp;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.log.AgentLog;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import okhttp3.ConnectionPool;
import okhttp3.Route;

/**
 * The parts of OkHttp that differ between 3.14 (Java), 4.x and 5.x (Kotlin: internal members get mangled
 * names) and that the agent must reach by name: builder fields, the pool's connections, retiring one
 * connection. Each lookup tries every version's name; what a version lacks switches that feature off
 * (one log line) and the rest works.
 */
final class OkHttpInternals {

    private OkHttpInternals() {
    }

    /**
     * A field known by one of several names (they differ between versions), for the builder fields set on
     * every {@code new OkHttpClient()}: the lookup is made once per class and kept, so each set costs one
     * volatile read and a class comparison (a lookup keyed by a joined name string was ~5% of the CPU of
     * a proxy making a client per request at 128 concurrent requests).
     */
    static final class FieldOf {
        private final String[] names;
        private volatile Resolved resolved;

        FieldOf(String... names) {
            this.names = names.clone();
        }

        /** Sets this field of {@code owner}; false when its class declares none of the names. */
        boolean set(Object owner, Object value) {
            LibraryField field = in(owner.getClass());
            if (field == null) {
                return false;
            }
            field.set(owner, value);
            return true;
        }

        /** This field of {@code owner}, or null when its class declares none of the names. */
        Object get(Object owner) {
            LibraryField field = in(owner.getClass());
            return field != null ? field.get(owner) : null;
        }

        private LibraryField in(Class<?> type) {
            Resolved known = resolved;
            if (known == null || known.type != type) {
                known = new Resolved(type, field(type, names));
                resolved = known;
            }
            return known.field;
        }

        /** The class looked up and what it declares (null: none of the names); replaced whole, never mutated. */
        private static final class Resolved {
            final Class<?> type;
            final LibraryField field;

            Resolved(Class<?> type, LibraryField field) {
                this.type = type;
                this.field = field;
            }
        }
    }

    /** The value of the first of {@code names} that {@code owner}'s class declares, or null. */
    static Object get(Object owner, String... names) {
        LibraryField field = field(owner.getClass(), names);
        return field != null ? field.get(owner) : null;
    }

    /** Looked up once per class and name list (a builder is made per request: no reflection search each time). */
    private static final java.util.Map<String, java.util.Optional<LibraryField>> FIELDS = new java.util.concurrent.ConcurrentHashMap<>();

    private static LibraryField field(Class<?> type, String... names) {
        return FIELDS.computeIfAbsent(type.getName() + "#" + String.join(",", names), key -> {
            for (String name : names) {
                try {
                    return java.util.Optional.of(LibraryField.required(type.getDeclaredField(name)));
                } catch (NoSuchFieldException absent) {
                    // another version's name
                }
            }
            return java.util.Optional.empty();
        }).orElse(null);
    }

    /** The {@code RealConnectionPool} behind a {@code ConnectionPool} (field {@code delegate} in every version). */
    static Object realPoolOf(ConnectionPool pool) {
        return get(pool, "delegate");
    }

    /** A copy of the real pool's connections (3.x guards its deque with the pool's monitor). */
    static List<Object> connections(Object realPool) {
        Object connections = get(realPool, "connections");
        if (!(connections instanceof Collection)) {
            return List.of();
        }
        synchronized (realPool) {
            return new ArrayList<>((Collection<?>) connections);
        }
    }

    /** Whether no call uses the connection (4.x/5.x {@code calls}, 3.x {@code transmitters}). */
    static boolean idle(Object connection) {
        Object calls = get(connection, "calls", "transmitters");
        synchronized (connection) {
            return calls instanceof Collection && ((Collection<?>) calls).isEmpty();
        }
    }

    /**
     * When an idle connection became idle ({@code System.nanoTime()}, 4.x/5.x {@code idleAtNs}, 3.x
     * {@code idleAtNanos}); null when it is in use or this version has neither field.
     */
    static Long idleSinceNanos(Object connection) {
        synchronized (connection) {
            if (!idle(connection)) {
                return null;
            }
            Object since = get(connection, "idleAtNs", "idleAtNanos");
            return since instanceof Long ? (Long) since : null;
        }
    }

    /**
     * Whether the connection was retired: it takes no new exchange (field {@code noNewExchanges} in 3.14, 4.x
     * and 5.x) and OkHttp closes it, though its list may still hold it for a while. False when this version
     * has no such field.
     */
    static boolean retired(Object connection) {
        synchronized (connection) {
            return Boolean.TRUE.equals(get(connection, "noNewExchanges"));
        }
    }

    /**
     * Closes {@code connection} if no call uses it, checked and retired under the locks OkHttp takes to hand
     * it to a call (3.x: the pool's, 4.x: the connection's), so that none is handed a connection being closed.
     * True when it was idle and is now closed.
     */
    static boolean closeIfIdle(Object realPool, Object connection) throws Exception {
        synchronized (realPool) {
            synchronized (connection) {
                if (!idle(connection)) {
                    return false;
                }
                retire(connection);
                return true;
            }
        }
    }

    /**
     * The connection takes no new exchange (OkHttp closes it when its last one ends); an idle one is closed
     * at once. 3.14 and 5.x: {@code noNewExchanges()}; 4.x: {@code noNewExchanges$okhttp()}.
     */
    static void retire(Object connection) throws Exception {
        boolean wasIdle = idle(connection);
        Method retire = method(connection.getClass(), "noNewExchanges", "noNewExchanges$okhttp");
        if (retire == null) {
            AgentLog.warnOnce("okhttp-retire", "This OkHttp version has no known way to retire one connection:"
                    + " connections are not retired for DNS moves or HTTP_POOL_MAX_CONNECTION_LIFETIME", null);
            return;
        }
        retire.invoke(connection);
        if (wasIdle) {
            Object socket = connection.getClass().getMethod("socket").invoke(connection);
            if (socket instanceof Socket) {
                ((Socket) socket).close();
            }
        }
    }

    private static Method method(Class<?> type, String... names) {
        for (String name : names) {
            try {
                Method method = type.getMethod(name);
                method.setAccessible(true);
                return method;
            } catch (NoSuchMethodException absent) {
                // another version's name
            }
        }
        return null;
    }

    /** The address a connection went to, or null. */
    static InetAddress remoteAddress(Object connection) throws Exception {
        Route route = (Route) connection.getClass().getMethod("route").invoke(connection);
        InetSocketAddress socket = route.socketAddress();
        return socket != null ? socket.getAddress() : null;
    }

    /** The host name a connection serves (a proxied connection: null, nothing to watch). */
    static String host(Object connection) throws Exception {
        Route route = (Route) connection.getClass().getMethod("route").invoke(connection);
        if (route.proxy() != null && route.proxy().type() != java.net.Proxy.Type.DIRECT) {
            return null;
        }
        return route.address().url().host();
    }

    /** Whether the connection did a TLS handshake. */
    static boolean secure(Object connection) throws Exception {
        return connection.getClass().getMethod("handshake").invoke(connection) != null;
    }
}
