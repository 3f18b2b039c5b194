package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.instrumentation.AdviceErrors;
import io.httppool.agent.instrumentation.LibraryVersion;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.PoolRegistry;
import io.httppool.agent.pool.SetupFingerprint;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The managed HttpClient 5 pools of one class loader (this class is defined anew in every loader that
 * has HttpClient 5, so its statics are per loader), and the entry points the advice calls.
 * Methods whose name says "redirect" may throw what the library itself throws; every other method
 * answers "do what the library would have done" when anything goes wrong.
 */
public final class Apache5Pools {

    /** Bound on distinct setups per loader: an application making a new SSLContext per request gets no pool. */
    static final int MAX_SETUPS = 16;

    private static final ThreadLocal<Boolean> BUILDING = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> AGENT_CLOSING = new ThreadLocal<>();
    private static final Map<SetupFingerprint, Apache5ManagedPool> BY_SETUP = new ConcurrentHashMap<>();
    /** Every current manager to its pool. */
    private static final Map<PoolingHttpClientConnectionManager, Apache5ManagedPool> BY_MANAGER = new ConcurrentHashMap<>();
    /** Replaced managers that clients may still hold; weak, so one no client holds is forgotten. */
    private static final Map<PoolingHttpClientConnectionManager, Apache5ManagedPool> RETIRED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private static volatile boolean anyRetired;
    private static final AtomicInteger CUSTOM_SETUPS = new AtomicInteger();
    private static final String LIBRARY = "Apache HttpClient 5 " + LibraryVersion.read(
            PoolingHttpClientConnectionManager.class.getClassLoader(), Apache5Instrumentation.VERSION_PROPERTIES, "info.release");

    private Apache5Pools() {
    }

    // ---- building clients ------------------------------------------------------------------------------

    /**
     * The managed manager for the setup {@code builder} describes, created on first use; null when the
     * original {@code build()} must run (our own build, a builder subclass, too many setups, an error).
     */
    public static PoolingHttpClientConnectionManager sharedManagerFor(PoolingHttpClientConnectionManagerBuilder builder) {
        if (BUILDING.get() != null || PRIVATE_CLIENT.get() != null) {
            return null;
        }
        try {
            if (builder.getClass() != PoolingHttpClientConnectionManagerBuilder.class) {
                AgentLog.infoOnce("apache5-subclass:" + builder.getClass().getName(), "Connection managers built by "
                        + builder.getClass().getName() + " are not pooled: a builder subclass may change how connections are made");
                return null;
            }
            SetupFingerprint setup = SetupFingerprint.of(builder, Apache5Pools::effectivelyImmutable);
            if (CONFIGURED_AFTER_BUILD.contains(setup)) {
                return null;
            }
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

    // ---- managers the application configures after building them ----------------------------------------

    /** Setups whose managers the application reconfigured after build(): built the library's way from then on. */
    private static final java.util.Set<SetupFingerprint> CONFIGURED_AFTER_BUILD = ConcurrentHashMap.newKeySet();

    /**
     * The application is about to change how a managed manager makes connections
     * ({@code setDefaultSocketConfig}, {@code setTlsConfigResolver}...). Shared, that change would reach every
     * client of the setup, and the caller could reuse connections made the old way. So the manager leaves
     * sharing and becomes the application's own (its idle connections closed), and that setup is no longer
     * pooled: such code configures its manager per instance, which the agent cannot key on.
     */
    public static void setupChanging(PoolingHttpClientConnectionManager manager, String setter) {
        try {
            if (BUILDING.get() != null) {
                return;
            }
            Apache5ManagedPool pool = poolOf(manager);
            if (pool == null) {
                return;
            }
            synchronized (Apache5Pools.class) {
                for (Map.Entry<SetupFingerprint, Apache5ManagedPool> entry : BY_SETUP.entrySet()) {
                    if (entry.getValue() == pool) {
                        CONFIGURED_AFTER_BUILD.add(entry.getKey());
                        BY_SETUP.remove(entry.getKey());
                    }
                }
                BY_MANAGER.remove(manager);
                RETIRED.remove(manager);
            }
            PoolRegistry.unregister(pool);
            manager.closeIdle(TimeValue.ZERO_MILLISECONDS);
            AgentLog.warnOnce("apache5-configured-after-build:" + pool.name(), "PoolingHttpClientConnectionManager." + setter
                    + " was called on a connection manager the agent shares (" + pool.name() + "): it now belongs to its"
                    + " client alone, and clients with this setup are no longer pooled. Configure the builder instead"
                    + " (PoolingHttpClientConnectionManagerBuilder.setDefaultSocketConfig...) to keep pooling.", null);
        } catch (Throwable error) {
            AdviceErrors.record("manager reconfiguration", error);
        }
    }

    // ---- clients that must not share -----------------------------------------------------------------------

    private static final ThreadLocal<Boolean> PRIVATE_CLIENT = new ThreadLocal<>();
    // Declared by HttpClientBuilder itself, so subclasses (CachingHttpClientBuilder...) are read alike.
    private static final java.lang.reflect.Field CONNECTION_STATE_DISABLED = clientBuilderField("connectionStateDisabled");
    private static final java.lang.reflect.Field USER_TOKEN_HANDLER = clientBuilderField("userTokenHandler");
    private static final java.lang.reflect.Field CONN_MANAGER = clientBuilderField("connManager");

    private static java.lang.reflect.Field clientBuilderField(String name) {
        try {
            java.lang.reflect.Field field =
                    org.apache.hc.client5.http.impl.classic.HttpClientBuilder.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException error) {
            AgentLog.warnOnce("apache5-client-builder-field", "HttpClientBuilder." + name + " not found in this HttpClient"
                    + " version: connection state cannot be checked, so no client built by HttpClientBuilder shares connections", null);
            return null;
        }
    }

    /**
     * {@code HttpClientBuilder.build()} starts. A client that disabled connection state, or brings its own
     * user-token handler, may leave connections authenticated per user (NTLM, client certificate) with no
     * token: shared, they would serve another client as that user. Such a client gets a private manager,
     * as without the agent. Returns whether the build is private, for {@link #clientBuildEnded}.
     */
    public static boolean clientBuildStarting(Object clientBuilder) {
        try {
            if (CONNECTION_STATE_DISABLED == null || USER_TOKEN_HANDLER == null || CONN_MANAGER == null) {
                PRIVATE_CLIENT.set(Boolean.TRUE); // cannot tell: the safe answer is not to share
                return true;
            }
            boolean stateless = CONNECTION_STATE_DISABLED.getBoolean(clientBuilder) || USER_TOKEN_HANDLER.get(clientBuilder) != null;
            if (!stateless) {
                return false;
            }
            PRIVATE_CLIENT.set(Boolean.TRUE);
            Object manager = CONN_MANAGER.get(clientBuilder);
            Apache5ManagedPool pool = manager != null ? poolOf(manager) : null;
            if (pool != null) {
                CONN_MANAGER.set(clientBuilder, pool.privateManager());
                AgentLog.infoOnce("apache5-private-client", "A client without connection state (disableConnectionState()"
                        + " or its own UserTokenHandler) gets a private connection manager: pooled connections could"
                        + " otherwise carry one user's authentication to another client");
            }
            return true;
        } catch (Throwable error) {
            AdviceErrors.record("private client check", error);
            return false;
        }
    }

    public static void clientBuildEnded(boolean privateBuild) {
        if (privateBuild) {
            PRIVATE_CLIENT.remove();
        }
    }

    /**
     * Connections through a proxy are not shared between clients: a CONNECT tunnel authenticated with one
     * client's proxy credentials (Basic) returns to the pool with no user token, and would serve another
     * client without its credentials. A unique state per lease keeps such connections apart.
     */
    public static Object leaseState(PoolingHttpClientConnectionManager manager, HttpRoute route, Object state) {
        if (route != null && route.getProxyHost() != null && poolOf(manager) != null) {
            return new Object();
        }
        return state;
    }

    // ---- closing -----------------------------------------------------------------------------------------

    /** True for a managed manager: only the agent closes it, not the application nor HttpClient's close-on-Error. */
    public static boolean ignoresClose(PoolingHttpClientConnectionManager manager) {
        return AGENT_CLOSING.get() == null && poolOf(manager) != null;
    }

    static void closeByAgent(PoolingHttpClientConnectionManager manager, CloseMode mode) {
        AGENT_CLOSING.set(Boolean.TRUE);
        try {
            manager.close(mode);
        } catch (RuntimeException error) {
            AdviceErrors.record("closing a managed pool", error);
        } finally {
            AGENT_CLOSING.remove();
        }
    }

    static void adopt(PoolingHttpClientConnectionManager manager, Apache5ManagedPool pool) {
        BY_MANAGER.put(manager, pool);
    }

    /** A recreated pool's old manager: still recognised (close ignored, requests redirected) while clients hold it. */
    static void retire(PoolingHttpClientConnectionManager manager, Apache5ManagedPool pool) {
        RETIRED.put(manager, pool);
        anyRetired = true;
        BY_MANAGER.remove(manager);
    }

    /** The managed pool a manager belongs to, or null for the application's own managers. */
    private static Apache5ManagedPool poolOf(Object manager) {
        Apache5ManagedPool pool = BY_MANAGER.get(manager);
        if (pool == null && anyRetired) {
            pool = RETIRED.get(manager);
        }
        return pool;
    }

    // ---- leasing -----------------------------------------------------------------------------------------

    /** The pool timeout in place of the library's 3-minute default; anything the application chose stands. */
    public static Timeout leaseTimeout(PoolingHttpClientConnectionManager manager, Timeout requested) {
        Apache5ManagedPool pool = poolOf(manager);
        return pool != null ? pool.effectiveRequestTimeout(requested) : requested;
    }

    /** A lease through a retired manager goes to the pool's current one; null when {@code manager} is current. */
    public static LeaseRequest redirectLease(PoolingHttpClientConnectionManager manager, String id, HttpRoute route,
                                             Timeout requestTimeout, Object state) {
        Apache5ManagedPool pool = poolOf(manager);
        if (pool == null || pool.isCurrent(manager)) {
            return null;
        }
        LeaseRequest lease = pool.manager().lease(id, route, requestTimeout, state);
        if (lease instanceof Apache5TrackingLeaseRequest) {
            ((Apache5TrackingLeaseRequest) lease).markRedirected();
        }
        return lease;
    }

    /** Wraps a managed pool's lease request for counting, leak tracking and a clear exhaustion error. */
    public static LeaseRequest trackLease(PoolingHttpClientConnectionManager manager, LeaseRequest lease) {
        try {
            Apache5ManagedPool pool = poolOf(manager);
            return pool != null && lease != null ? new Apache5TrackingLeaseRequest(pool, manager, lease) : lease;
        } catch (Throwable error) {
            AdviceErrors.record("lease tracking", error);
            return lease;
        }
    }

    // ---- releasing ---------------------------------------------------------------------------------------

    /** Hands a release to the manager that really leased the endpoint; false when that is {@code manager}. */
    public static boolean redirectRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          Object state, TimeValue keepAlive) {
        PoolingHttpClientConnectionManager owner = ownerIfRedirected(manager, endpoint);
        if (owner == null) {
            return false;
        }
        owner.release(endpoint, state, keepAlive);
        return true;
    }

    /** See {@link Apache5ManagedPool#keepAliveOnRelease}; a proxied connection is not kept (see {@link #leaseState}). */
    public static TimeValue keepAliveOnRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                               TimeValue keepAlive) {
        try {
            Apache5ManagedPool pool = poolOf(manager);
            if (pool == null) {
                return keepAlive;
            }
            HttpRoute route = Apache5PoolInternals.routeOf(endpoint);
            return route != null && route.getProxyHost() != null ? null : pool.keepAliveOnRelease(keepAlive);
        } catch (Throwable error) {
            // The release advice cannot suppress errors wholesale (a redirected release must throw as the
            // library would), so this one guards itself.
            AdviceErrors.record("keep-alive on release", error);
            return keepAlive;
        }
    }

    /** After a release (also a failed one): stop watching the lease, keep the idle connections in bounds. */
    public static void released(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint) {
        Apache5ManagedPool pool = poolOf(manager);
        if (pool != null) {
            pool.released(endpoint);
            pool.trimIdle(manager);
        }
    }

    // ---- the request being executed ------------------------------------------------------------------

    private static final ThreadLocal<String> METHOD = new ThreadLocal<>();

    /** {@code ConnectExec} is about to acquire a connection for a request with this method; returns the previous one. */
    public static String exchangeStarting(String method) {
        String previous = METHOD.get();
        METHOD.set(method);
        return previous;
    }

    public static void exchangeConnected(String previous) {
        if (previous == null) {
            METHOD.remove();
        } else {
            METHOD.set(previous);
        }
    }

    static String currentMethod() {
        return METHOD.get();
    }

    // ---- connecting ----------------------------------------------------------------------------------------

    public static boolean redirectConnect(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          TimeValue timeout, HttpContext context) throws IOException {
        PoolingHttpClientConnectionManager owner = ownerIfRedirected(manager, endpoint);
        if (owner == null) {
            return false;
        }
        owner.connect(endpoint, timeout, context);
        return true;
    }

    public static boolean redirectUpgrade(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          HttpContext context) throws IOException {
        PoolingHttpClientConnectionManager owner = ownerIfRedirected(manager, endpoint);
        if (owner == null) {
            return false;
        }
        owner.upgrade(endpoint, context);
        return true;
    }

    /**
     * Counts a new connection (and its TLS handshake), or a failed one. The route comes from the endpoint's
     * pool entry: the context gets it only later, in MainClientExec.
     */
    public static void connected(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint, Throwable failure) {
        Apache5ManagedPool pool = poolOf(manager);
        if (pool == null) {
            return;
        }
        HttpRoute route = Apache5PoolInternals.routeOf(endpoint);
        if (failure == null) {
            pool.connected(route);
        } else {
            pool.connectFailed(route, failure);
        }
    }

    /** A TLS upgrade of a tunnelled connection (HTTPS through a proxy). */
    public static void upgraded(PoolingHttpClientConnectionManager manager, Throwable failure) {
        Apache5ManagedPool pool = poolOf(manager);
        if (pool == null) {
            return;
        }
        if (failure == null) {
            pool.counters().tlsHandshake();
        } else {
            pool.connectFailed(null, failure);
        }
    }

    // ---- executing -----------------------------------------------------------------------------------------

    /**
     * A request failed inside {@code MainClientExec}. An Error there makes HttpClient close the whole
     * manager (ignored for managed ones): the exchange's connection is discarded and the pool recreated.
     */
    public static void exchangeFailed(Object manager, ExecChain.Scope scope, Throwable failure) {
        Apache5ManagedPool pool = poolOf(manager);
        if (pool == null || failure == null) {
            return;
        }
        if (failure instanceof Error) {
            scope.execRuntime.discardEndpoint();
            pool.fatal(failure);
        } else if (failure instanceof IOException) {
            pool.exchangeFailed(scope.route);
        }
    }

    /**
     * Library classes whose only non-final fields are set in their constructors (kept non-final for
     * deprecated constructors): compared by value, so a strategy made per request around the same
     * SSLContext and verifier still shares.
     */
    private static boolean effectivelyImmutable(Class<?> type) {
        String name = type.getName();
        return name.equals("org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy")
                || name.equals("org.apache.hc.client5.http.ssl.ConscryptClientTlsStrategy");
    }


    private static PoolingHttpClientConnectionManager ownerIfRedirected(PoolingHttpClientConnectionManager manager,
                                                                        ConnectionEndpoint endpoint) {
        try {
            Apache5ManagedPool pool = poolOf(manager);
            return pool != null ? pool.ownerIfRedirected(manager, endpoint) : null;
        } catch (Throwable error) {
            AdviceErrors.record("endpoint owner lookup", error);
            return null;
        }
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
        // A private copy of the builder: the application may change or reuse its own after build().
        PoolingHttpClientConnectionManagerBuilder template = Apache5PoolFactory.copyOf(builder);
        String name = "apache5/" + ("custom".equals(kind) ? "custom-" + CUSTOM_SETUPS.incrementAndGet() : kind) + loaderSuffix();
        long keepAliveMillis = config.keepAliveExpiry().toMillis();
        Apache5ManagedPool pool = new Apache5ManagedPool(name, LIBRARY, kind, () -> buildManager(template, config),
                config.maxKeepAliveConnections(),
                keepAliveMillis > 0 ? TimeValue.ofMilliseconds(keepAliveMillis) : null,
                Timeout.ofMilliseconds(config.poolTimeout().toMillis()));
        PoolingHttpClientConnectionManager manager = pool.manager();
        BY_MANAGER.put(manager, pool);
        BY_SETUP.put(setup, pool);
        PoolRegistry.register(pool);
        AgentLog.log().info("Created managed pool {} for {} ({} setup): max {} connections, {} per route",
                name, LIBRARY, kind, manager.getMaxTotal(), manager.getDefaultMaxPerRoute());
        return pool;
    }

    private static PoolingHttpClientConnectionManager buildManager(PoolingHttpClientConnectionManagerBuilder template,
                                                                   AgentConfig config) {
        BUILDING.set(Boolean.TRUE);
        try {
            return Apache5PoolFactory.build(template, config);
        } catch (ReflectiveOperationException error) {
            throw new IllegalStateException("cannot build a connection manager from " + template, error);
        } finally {
            BUILDING.remove();
        }
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
}
