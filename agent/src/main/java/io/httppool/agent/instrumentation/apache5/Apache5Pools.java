package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.instrumentation.AdviceErrors;
import io.httppool.agent.instrumentation.LibraryVersion;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.PoolRegistry;
import io.httppool.agent.pool.SetupFingerprint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The managed HttpClient 5 pools of one class loader (this class is defined anew in every loader that
 * has HttpClient 5, so its statics are per loader), and the entry points the advice calls.
 * Every method here returns "do what the library would have done" when anything goes wrong.
 */
public final class Apache5Pools {

    /** Bound on distinct setups per loader: an application making a new SSLContext per request gets no pool. */
    static final int MAX_SETUPS = 16;

    /** The library's defaults that stand for "the application did not say": RequestConfig's 3 minutes. */
    private static final Timeout LIBRARY_DEFAULT_REQUEST_TIMEOUT = Timeout.ofMinutes(3);
    private static final TimeValue LIBRARY_DEFAULT_KEEP_ALIVE = TimeValue.ofMinutes(3);

    private static final ThreadLocal<Boolean> BUILDING = new ThreadLocal<>();
    private static final Map<SetupFingerprint, Apache5ManagedPool> BY_SETUP = new ConcurrentHashMap<>();
    private static final Map<PoolingHttpClientConnectionManager, Apache5ManagedPool> BY_MANAGER = new ConcurrentHashMap<>();
    private static final AtomicInteger CUSTOM_SETUPS = new AtomicInteger();
    private static final String LIBRARY = "Apache HttpClient 5 " + libraryVersion();

    private Apache5Pools() {
    }

    /**
     * The managed manager for the setup {@code builder} describes, created on first use; null when the
     * original {@code build()} must run (our own build, a builder subclass, too many setups, an error).
     */
    public static PoolingHttpClientConnectionManager sharedManagerFor(PoolingHttpClientConnectionManagerBuilder builder) {
        if (BUILDING.get() != null) {
            return null;
        }
        try {
            if (builder.getClass() != PoolingHttpClientConnectionManagerBuilder.class) {
                AgentLog.infoOnce("apache5-subclass:" + builder.getClass().getName(), "Connection managers built by "
                        + builder.getClass().getName() + " are not pooled: a builder subclass may change how connections are made");
                return null;
            }
            SetupFingerprint setup = SetupFingerprint.of(builder);
            Apache5ManagedPool pool = BY_SETUP.get(setup);
            if (pool == null) {
                pool = createPool(setup, builder);
            }
            return pool != null ? pool.manager() : null;
        } catch (Throwable error) {
            AdviceErrors.record("Apache HttpClient 5 pool lookup", error);
            return null;
        }
    }

    /** The managed manager for a builder left at its defaults, as {@code HttpClients.createMinimal()} uses. */
    public static PoolingHttpClientConnectionManager defaultManager() {
        return sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create());
    }

    /** True for a managed manager: only the agent closes it. */
    public static boolean ignoresClose(PoolingHttpClientConnectionManager manager) {
        return BY_MANAGER.containsKey(manager);
    }

    /** The pool timeout in place of the library's 3-minute default; anything the application chose stands. */
    public static Timeout leaseTimeout(PoolingHttpClientConnectionManager manager, Timeout requested) {
        Apache5ManagedPool pool = BY_MANAGER.get(manager);
        if (pool == null || (requested != null && !LIBRARY_DEFAULT_REQUEST_TIMEOUT.equals(requested))) {
            return requested;
        }
        return pool.poolTimeout();
    }

    /**
     * How long a released connection may stay idle: null (close it) when the pool already keeps
     * HTTP_MAX_KEEPALIVE_CONNECTIONS idle ones, the agent's expiry in place of the library's 3-minute
     * default, and otherwise what the server's Keep-Alive header or the application said.
     */
    public static TimeValue keepAliveOnRelease(PoolingHttpClientConnectionManager manager, TimeValue keepAlive) {
        Apache5ManagedPool pool = BY_MANAGER.get(manager);
        if (pool == null || keepAlive == null) {
            return keepAlive;
        }
        if (manager.getTotalStats().getAvailable() >= pool.maxIdle()) {
            return null;
        }
        if (LIBRARY_DEFAULT_KEEP_ALIVE.equals(keepAlive)) {
            return pool.keepAliveExpiry();
        }
        return keepAlive;
    }

    static boolean building() {
        return BUILDING.get() != null;
    }

    private static synchronized Apache5ManagedPool createPool(SetupFingerprint setup, PoolingHttpClientConnectionManagerBuilder builder)
            throws ReflectiveOperationException {
        Apache5ManagedPool existing = BY_SETUP.get(setup);
        if (existing != null) {
            return existing;
        }
        String kind = describe(builder);
        if ("custom".equals(kind) && CUSTOM_SETUPS.get() >= MAX_SETUPS) {
            AgentLog.warnOnce("apache5-setups", "More than " + MAX_SETUPS + " distinct connection setups (TLS, sockets, resolvers)"
                    + " seen for " + LIBRARY + "; further ones are not pooled. An application that makes a new SSLContext"
                    + " or strategy object per request gets no benefit from the agent for those clients.", null);
            return null;
        }
        AgentConfig config = AgentConfig.current();
        PoolingHttpClientConnectionManager manager;
        BUILDING.set(Boolean.TRUE);
        try {
            manager = Apache5PoolFactory.build(builder, config);
        } finally {
            BUILDING.remove();
        }
        String name = "apache5/" + ("custom".equals(kind) ? "custom-" + CUSTOM_SETUPS.incrementAndGet() : kind) + loaderSuffix();
        long keepAliveMillis = config.keepAliveExpiry().toMillis();
        Apache5ManagedPool pool = new Apache5ManagedPool(name, LIBRARY, kind, manager, config.maxKeepAliveConnections(),
                keepAliveMillis > 0 ? TimeValue.ofMilliseconds(keepAliveMillis) : null,
                Timeout.ofMilliseconds(config.poolTimeout().toMillis()));
        BY_MANAGER.put(manager, pool);
        BY_SETUP.put(setup, pool);
        PoolRegistry.register(pool);
        AgentLog.log().info("Created managed pool {} for {} ({} setup): max {} connections, {} per route",
                name, LIBRARY, kind, manager.getMaxTotal(), manager.getDefaultMaxPerRoute());
        return pool;
    }

    /** "default", "system" (useSystemProperties only) or "custom" (anything the application configured). */
    private static String describe(PoolingHttpClientConnectionManagerBuilder builder) throws ReflectiveOperationException {
        boolean system = false;
        for (java.lang.reflect.Field field : builder.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            Object value = field.get(builder);
            if ("systemProperties".equals(field.getName())) {
                system = Boolean.TRUE.equals(value);
            } else if (value != null && !Boolean.FALSE.equals(value) && !Integer.valueOf(0).equals(value)) {
                return "custom";
            }
        }
        return system ? "system" : "default";
    }

    private static String loaderSuffix() {
        ClassLoader loader = Apache5Pools.class.getClassLoader();
        if (loader == ClassLoader.getSystemClassLoader()) {
            return "";
        }
        return "@" + loader.getClass().getSimpleName() + "-" + Integer.toHexString(System.identityHashCode(loader));
    }

    private static String libraryVersion() {
        return LibraryVersion.read(PoolingHttpClientConnectionManager.class.getClassLoader(),
                "org/apache/hc/client5/version.properties", "info.release");
    }
}
