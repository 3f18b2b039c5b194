package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.instrumentation.LibraryVersion;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.ClientBoundState;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.CurrentRequest;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.SetupFingerprint;
import io.httppool.agent.pool.SetupRegistry;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
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
 * has HttpClient 5, so its statics are per loader), and what the hooks ({@link Apache5Hooks}) do.
 * Methods whose name says "redirect" may throw what the library itself throws; every other method
 * answers "do what the library would have done" when anything goes wrong.
 */
public final class Apache5Pools {

    static final int MAX_SETUPS = SetupRegistry.MAX_CUSTOM_SETUPS;

    private static final String LIBRARY = "Apache HttpClient 5 " + LibraryVersion.read(
            PoolingHttpClientConnectionManager.class.getClassLoader(), Apache5Instrumentation.VERSION_PROPERTIES, "info.release");
    private static final SetupRegistry<Apache5ManagedPool> REGISTRY =
            new SetupRegistry<>("apache5", LIBRARY, Apache5Pools.class.getClassLoader());

    /**
     * Set while the agent builds a manager itself, or leases on one: its own calls are not intercepted.
     * These thread-locals (and SWAPPED) are cleared with {@code set(null)}, never {@code remove()}: a removed
     * entry is added back by the next request's {@code get} or {@code set}, and adding one scans the
     * thread's map for stale entries (2.5% of the naive proxy's CPU samples at 16 clients); a null value
     * pins nothing.
     */
    private static final ThreadLocal<Boolean> BUILDING = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> INTERNAL_LEASE = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> AGENT_CLOSING = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> PRIVATE_CLIENT = new ThreadLocal<>();
    /** Every current manager to its pool. */
    private static final Map<PoolingHttpClientConnectionManager, Apache5ManagedPool> BY_MANAGER = new ConcurrentHashMap<>();
    /** Replaced managers that clients may still hold; weak, so one no client holds is forgotten. */
    private static final Map<PoolingHttpClientConnectionManager, Apache5ManagedPool> RETIRED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private static volatile boolean anyRetired;

    private Apache5Pools() {
    }

    // ---- building clients ------------------------------------------------------------------------------

    /**
     * The managed manager for the setup {@code builder} describes, created on first use; null when the
     * original {@code build()} must run (our own build, a builder subclass, too many setups, an error).
     */
    public static PoolingHttpClientConnectionManager sharedManagerFor(PoolingHttpClientConnectionManagerBuilder builder) {
        if (BUILDING.get() != null) {
            return null;
        }
        if (PRIVATE_CLIENT.get() != null) {
            logPrivateClient();
            return null;
        }
        try {
            if (builder.getClass() != PoolingHttpClientConnectionManagerBuilder.class) {
                AgentLog.infoOnce("apache5-subclass:" + builder.getClass().getName(), "Connection managers built by "
                        + builder.getClass().getName() + " are not pooled: a builder subclass may change how connections are made");
                return null;
            }
            SetupFingerprint setup = SetupFingerprint.of(builder, Apache5Pools::effectivelyImmutable);
            Apache5ManagedPool pool = REGISTRY.get(setup);
            if (pool == null) {
                String kind = describe(builder);
                pool = REGISTRY.getOrCreate(setup, kind, name -> createPool(name, kind, builder));
            }
            return pool != null ? pool.manager() : null;
        } catch (Throwable error) {
            AgentErrors.record("Apache HttpClient 5 pool lookup", error);
            return null;
        }
    }

    /** How many custom setups of this class loader got a managed pool (for tests of the bound). */
    static int customSetups() {
        return REGISTRY.customSetups();
    }

    /** The managed manager for a builder left at its defaults, as {@code HttpClients.createMinimal()} uses. */
    public static PoolingHttpClientConnectionManager defaultManager() {
        return sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create());
    }

    private static Apache5ManagedPool createPool(String name, String kind, PoolingHttpClientConnectionManagerBuilder builder) {
        AgentConfig config = AgentConfig.current();
        Apache5PoolFactory factory;
        try {
            factory = new Apache5PoolFactory(builder, config);
        } catch (ReflectiveOperationException error) {
            throw new IllegalStateException("cannot read the connection manager builder " + builder, error);
        }
        Apache5ManagedPool pool = new Apache5ManagedPool(name, LIBRARY, kind, () -> buildManager(factory),
                factory.settings(), hostAddressesFor(builder), Clock.SYSTEM);
        BY_MANAGER.put(pool.manager(), pool);
        Apache5PoolSettings settings = factory.settings();
        AgentLog.info("Created managed pool " + name + " for " + LIBRARY + " (" + kind + " setup): max " + settings.maxTotal()
                + " connections, " + settings.maxPerRoute() + " per route" + (settings.gated()
                        ? ", " + settings.onExhausted().name().toLowerCase(java.util.Locale.ROOT) + " when all are in use"
                        : " (the application's own limits)"));
        return pool;
    }

    /**
     * Where the pool learns what its host names resolve to now: the JVM's resolver, unless the setup has a
     * DNS resolver of its own, which then answers (a name it maps elsewhere than DNS must not look "moved").
     */
    private static HostAddresses hostAddressesFor(PoolingHttpClientConnectionManagerBuilder builder) {
        try {
            Object resolver = Apache5PoolFactory.readField(builder, "dnsResolver");
            if (resolver instanceof org.apache.hc.client5.http.DnsResolver
                    && !(resolver instanceof org.apache.hc.client5.http.SystemDefaultDnsResolver)) {
                org.apache.hc.client5.http.DnsResolver own = (org.apache.hc.client5.http.DnsResolver) resolver;
                return HostAddresses.using(own::resolve);
            }
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
            AgentErrors.record("reading the DNS resolver of a connection manager builder", unreadable);
        }
        return HostAddresses.jvm();
    }

    private static PoolingHttpClientConnectionManager buildManager(Apache5PoolFactory factory) {
        BUILDING.set(Boolean.TRUE);
        try {
            return factory.build();
        } catch (ReflectiveOperationException error) {
            throw new IllegalStateException("cannot build a connection manager", error);
        } finally {
            BUILDING.set(null);
        }
    }

    /** "default", "system" (useSystemProperties only) or "custom" (anything the application configured). */
    private static String describe(PoolingHttpClientConnectionManagerBuilder builder) throws ReflectiveOperationException {
        boolean system = false;
        for (Field field : builder.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            Object value = LibraryField.required(field).get(builder);
            if ("systemProperties".equals(field.getName())) {
                system = Boolean.TRUE.equals(value);
            } else if (value != null && !Boolean.FALSE.equals(value) && !Integer.valueOf(0).equals(value)) {
                return "custom";
            }
        }
        return system ? "system" : "default";
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

    // ---- managers the application configures after building them ----------------------------------------

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
                Apache5OwnManagers.configured(manager, setter, false);
                return;
            }
            REGISTRY.leaveSharing(pool);
            BY_MANAGER.remove(manager);
            RETIRED.remove(manager);
            manager.closeIdle(TimeValue.ZERO_MILLISECONDS);
            AgentLog.warnOnce("apache5-configured-after-build:" + pool.name(), "PoolingHttpClientConnectionManager." + setter
                    + " was called on a connection manager the agent shares (" + pool.name() + "): it now belongs to its"
                    + " client alone, and clients with this setup are no longer pooled. Configure the builder instead"
                    + " (PoolingHttpClientConnectionManagerBuilder.setDefaultSocketConfig...) to keep pooling.", null);
        } catch (Throwable error) {
            AgentErrors.record("manager reconfiguration", error);
        }
    }

    // ---- clients that must not share -----------------------------------------------------------------------

    // Declared by HttpClientBuilder itself, so subclasses (CachingHttpClientBuilder...) are read alike.
    private static final LibraryField CONNECTION_STATE_DISABLED = clientBuilderField("connectionStateDisabled");
    private static final LibraryField USER_TOKEN_HANDLER = clientBuilderField("userTokenHandler");
    private static final LibraryField CONN_MANAGER = clientBuilderField("connManager");
    private static final LibraryField CONN_MANAGER_SHARED = clientBuilderField("connManagerShared");
    /** The builder whose own manager was swapped for a managed one during build(), and that manager, to put back. */
    private static final ThreadLocal<Object[]> SWAPPED = new ThreadLocal<>();

    private static LibraryField clientBuilderField(String name) {
        LibraryField field = LibraryField.declared(HttpClientBuilder.class, name);
        if (field == null) {
            AgentLog.warnOnce("apache5-client-builder-field", "HttpClientBuilder." + name + " not found in this HttpClient"
                    + " version: connection state cannot be checked, so no client built by HttpClientBuilder shares connections", null);
        }
        return field;
    }

    /**
     * {@code HttpClientBuilder.build()} starts. A client that disabled connection state, or brings its own
     * user-token handler, may leave connections authenticated per user (NTLM, client certificate) with no
     * token: shared, they would serve another client as that user. Such a client gets a private manager,
     * as without the agent, until {@link #clientBuildEnded}.
     */
    public static void clientBuildStarting(Object clientBuilder) {
        try {
            if (CONNECTION_STATE_DISABLED == null || USER_TOKEN_HANDLER == null || CONN_MANAGER == null) {
                PRIVATE_CLIENT.set(Boolean.TRUE); // cannot tell: the safe answer is not to share
                return;
            }
            boolean stateless = CONNECTION_STATE_DISABLED.getBoolean(clientBuilder) || USER_TOKEN_HANDLER.get(clientBuilder) != null;
            if (!stateless) {
                swapOwnManager(clientBuilder);
                return;
            }
            PRIVATE_CLIENT.set(Boolean.TRUE);
            Object manager = CONN_MANAGER.get(clientBuilder);
            Apache5ManagedPool pool = manager != null ? poolOf(manager) : null;
            if (pool != null) {
                CONN_MANAGER.set(clientBuilder, pool.privateManager());
                logPrivateClient();
            }
        } catch (Throwable error) {
            AgentErrors.record("private client check", error);
            connectionStateUnknown();
        }
    }

    /**
     * The check of a client's connection state failed: as when the library's fields cannot be read, the
     * client does not share (its connections might carry one user's authentication to another client).
     * Never throws.
     */
    static void connectionStateUnknown() {
        try {
            PRIVATE_CLIENT.set(Boolean.TRUE);
        } catch (Throwable ignored) {
            // nothing safer is left to do
        }
    }

    private static void logPrivateClient() {
        AgentLog.infoOnce("apache5-private-client", "A client without connection state (disableConnectionState()"
                + " or its own UserTokenHandler) gets a private connection manager: pooled connections could"
                + " otherwise carry one user's authentication to another client");
    }

    /** See {@link Apache5OwnManagers}: the builder gets the managed manager for this build only. */
    private static void swapOwnManager(Object clientBuilder) {
        Object manager = CONN_MANAGER.get(clientBuilder);
        if (!(manager instanceof PoolingHttpClientConnectionManager) || poolOf(manager) != null || CONN_MANAGER_SHARED == null) {
            return;
        }
        PoolingHttpClientConnectionManager shared = Apache5OwnManagers.sharedInsteadOf(
                (PoolingHttpClientConnectionManager) manager, CONN_MANAGER_SHARED.getBoolean(clientBuilder));
        if (shared != null) {
            SWAPPED.set(new Object[] {clientBuilder, manager});
            CONN_MANAGER.set(clientBuilder, shared);
        }
    }

    public static void clientBuildEnded() {
        PRIVATE_CLIENT.set(null);
        Object[] swapped = SWAPPED.get();
        if (swapped != null) {
            SWAPPED.set(null);
            try {
                CONN_MANAGER.set(swapped[0], swapped[1]); // the application's builder as it left it
            } catch (Throwable error) {
                AgentErrors.record("restoring a client builder", error);
            }
        }
    }

    /** {@code new PoolingHttpClientConnectionManager()} returned (see {@link Apache5OwnManagers}). */
    public static void managerMade(PoolingHttpClientConnectionManager manager) {
        if (BUILDING.get() == null) {
            Apache5OwnManagers.made(manager);
        }
    }

    /** {@code setMaxTotal}/{@code setDefaultMaxPerRoute} on a manager (see {@link Apache5OwnManagers}). */
    public static void limitChanging(PoolingHttpClientConnectionManager manager, String setter) {
        Apache5OwnManagers.configured(manager, setter, true);
    }

    /**
     * Connections through a proxy are not shared between clients: a CONNECT tunnel authenticated with one
     * client's proxy credentials (Basic) returns to the pool with no user token, and would serve another
     * client without its credentials. Leased and released under a state naming their client (see
     * {@link ClientBoundState}), they only serve that client again. A lease whose client is unknown gets
     * a state nothing else equals, and its connection is closed on release.
     */
    public static Object leaseState(PoolingHttpClientConnectionManager manager, HttpRoute route, Object state) {
        if (route == null || route.getProxyHost() == null || poolOf(manager) == null
                || state instanceof ClientBoundState) { // the gate's deferred lease passes here a second time
            return state;
        }
        Object client = CurrentRequest.currentClient();
        return client != null ? new ClientBoundState(client, state) : new Object();
    }

    /** The state a connection is released under: see {@link #leaseState}. */
    public static Object releaseState(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint, Object state) {
        Apache5ManagedPool pool = poolOf(manager);
        return pool != null ? pool.releaseState(endpoint, state) : state;
    }

    // ---- closing -----------------------------------------------------------------------------------------

    /** True for a managed manager: only the agent closes it, not the application nor HttpClient's close-on-Error. */
    public static boolean ignoresClose(PoolingHttpClientConnectionManager manager) {
        return AGENT_CLOSING.get() == null && poolOf(manager) != null;
    }

    /**
     * For the close hook when {@link #ignoresClose} failed: whether {@code manager} may be one the agent
     * shares; true when even that cannot be told.
     */
    static boolean mayBeShared(PoolingHttpClientConnectionManager manager) {
        try {
            return AGENT_CLOSING.get() == null && poolOf(manager) != null;
        } catch (Throwable error) {
            return true;
        }
    }

    static void closeByAgent(PoolingHttpClientConnectionManager manager, CloseMode mode) {
        AGENT_CLOSING.set(Boolean.TRUE);
        try {
            manager.close(mode);
        } catch (RuntimeException error) {
            AgentErrors.record("closing a managed pool", error);
        } finally {
            AGENT_CLOSING.set(null);
        }
    }

    /** InternalHttpClient.connManager (null where unreadable); Apache5DefaultClients reads it too. */
    static final LibraryField CLIENT_CONN_MANAGER = clientField("org.apache.hc.client5.http.impl.classic.InternalHttpClient", "connManager");
    private static final LibraryField CLIENT_CLOSEABLES = clientField("org.apache.hc.client5.http.impl.classic.InternalHttpClient", "closeables");
    private static final LibraryField MINIMAL_CONN_MANAGER = clientField("org.apache.hc.client5.http.impl.classic.MinimalHttpClient", "connManager");

    /** Null where unreadable, or where the class cannot link (HttpClient 5.1 without SLF4J). */
    private static LibraryField clientField(String type, String name) {
        return LibraryField.declared(type, Apache5Pools.class.getClassLoader(), name);
    }

    /**
     * The application closes a client. Without the agent, a client that owns its connection manager (not
     * built with {@code setConnectionManagerShared(true)}) closes it, and with it every connection still
     * under a response nobody closed. The same happens here: those connections are closed at once, and
     * nothing else of the shared pool is touched.
     */
    public static void clientClosing(Object client) {
        Object manager = ownedManagerOf(client);
        Apache5ManagedPool pool = manager != null ? poolOf(manager) : null;
        if (pool != null) {
            pool.clientClosed(client);
        }
    }

    private static Object ownedManagerOf(Object client) {
        try {
            if (MINIMAL_CONN_MANAGER != null && MINIMAL_CONN_MANAGER.declaringClass().isInstance(client)) {
                return MINIMAL_CONN_MANAGER.get(client);
            }
            if (CLIENT_CONN_MANAGER != null && CLIENT_CLOSEABLES != null && CLIENT_CONN_MANAGER.declaringClass().isInstance(client)) {
                Object manager = CLIENT_CONN_MANAGER.get(client);
                Collection<?> closeables = (Collection<?>) CLIENT_CLOSEABLES.get(client);
                return closeables != null && closeables.contains(manager) ? manager : null;
            }
        } catch (RuntimeException error) {
            AgentErrors.record("reading a closing client", error);
        }
        return null;
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
    static Apache5ManagedPool poolOf(Object manager) {
        Apache5ManagedPool pool = BY_MANAGER.get(manager);
        if (pool == null && anyRetired) {
            pool = RETIRED.get(manager);
        }
        return pool;
    }

    // ---- leasing -----------------------------------------------------------------------------------------

    /** The pool timeout in place of the library's 3-minute default; anything the application chose stands. */
    public static Timeout leaseTimeout(PoolingHttpClientConnectionManager manager, Timeout requested) {
        Apache5ManagedPool pool = INTERNAL_LEASE.get() == null ? poolOf(manager) : null;
        return pool != null ? pool.effectiveRequestTimeout(requested) : requested;
    }

    /** For a managed manager (current or retired), a lease that goes through the pool's gate; null otherwise. */
    public static LeaseRequest managedLease(PoolingHttpClientConnectionManager manager, String id, HttpRoute route,
                                            Timeout requestTimeout, Object state) {
        if (INTERNAL_LEASE.get() != null) {
            return null;
        }
        try {
            Apache5ManagedPool pool = poolOf(manager);
            return pool != null ? new Apache5LeaseRequest(pool, id, route, requestTimeout, state) : null;
        } catch (Throwable error) {
            AgentErrors.record("lease", error);
            return null;
        }
    }

    /** The library's own lease on {@code manager}, not intercepted. */
    static LeaseRequest leaseUnmanaged(PoolingHttpClientConnectionManager manager, String id, HttpRoute route,
                                       Timeout requestTimeout, Object state) {
        INTERNAL_LEASE.set(Boolean.TRUE);
        try {
            return manager.lease(id, route, requestTimeout, state);
        } finally {
            INTERNAL_LEASE.set(null);
        }
    }

    // ---- releasing ---------------------------------------------------------------------------------------

    /**
     * Hands a release to the manager that really leased the endpoint; false when that is {@code manager}.
     * True too for an endpoint of a closed client, whose connection the agent already closed and returned.
     */
    public static boolean redirectRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          Object state, TimeValue keepAlive) {
        PoolingHttpClientConnectionManager owner;
        try {
            // The agent's part, guarded; the library's release below throws what the library throws.
            FaultPoint.reached("redirectRelease");
            if (poolOf(manager) != null && Apache5PoolInternals.releasePlaceholder(endpoint)) {
                return true;
            }
            owner = ownerIfRedirected(manager, endpoint);
        } catch (Throwable error) {
            AgentErrors.record("release redirection", error);
            return false;
        }
        if (owner == null) {
            return false;
        }
        owner.release(endpoint, state, keepAlive);
        return true;
    }

    /** See {@link Apache5ManagedPool#keepAliveOnRelease}. */
    public static TimeValue keepAliveOnRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                               TimeValue keepAlive) {
        try {
            Apache5ManagedPool pool = poolOf(manager);
            return pool != null ? pool.keepAliveOnRelease(manager, endpoint, keepAlive) : keepAlive;
        } catch (Throwable error) {
            // The release hook cannot suppress errors wholesale (a redirected release must throw as the
            // library would), so this one guards itself.
            AgentErrors.record("keep-alive on release", error);
            return keepAlive;
        }
    }

    /** After a release (also a failed one): the lease ended. */
    public static void released(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint) {
        Apache5ManagedPool pool = poolOf(manager);
        if (pool != null) {
            pool.released(endpoint);
        }
    }

    // ---- connecting ----------------------------------------------------------------------------------------

    /** The agent's connect timeout in place of a library default (HttpClient 5.0/5.1 pass one per request). */
    public static TimeValue connectTimeout(PoolingHttpClientConnectionManager manager, TimeValue requested) {
        Apache5ManagedPool pool = poolOf(manager);
        return pool != null ? pool.connectTimeout(requested) : requested;
    }

    public static boolean redirectConnect(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          TimeValue timeout, HttpContext context) throws IOException {
        PoolingHttpClientConnectionManager owner = ownerIfRedirected("redirectConnect", manager, endpoint);
        if (owner == null) {
            return false;
        }
        owner.connect(endpoint, timeout, context);
        return true;
    }

    public static boolean redirectUpgrade(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          HttpContext context) throws IOException {
        PoolingHttpClientConnectionManager owner = ownerIfRedirected("redirectUpgrade", manager, endpoint);
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
        pool.connectEnded(endpoint);
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

    /** The guarded agent part of a {@code redirect...} hook: null (the library's own call on {@code manager}) on any error. */
    private static PoolingHttpClientConnectionManager ownerIfRedirected(String hook, PoolingHttpClientConnectionManager manager,
                                                                        ConnectionEndpoint endpoint) {
        try {
            FaultPoint.reached(hook);
            return ownerIfRedirected(manager, endpoint);
        } catch (Throwable error) {
            AgentErrors.record("endpoint owner lookup", error);
            return null;
        }
    }

    private static PoolingHttpClientConnectionManager ownerIfRedirected(PoolingHttpClientConnectionManager manager,
                                                                        ConnectionEndpoint endpoint) {
        try {
            Apache5ManagedPool pool = poolOf(manager);
            return pool != null ? pool.ownerIfRedirected(manager, endpoint) : null;
        } catch (Throwable error) {
            AgentErrors.record("endpoint owner lookup", error);
            return null;
        }
    }
}
