package io.httppool.agent.instrumentation.apache4;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.instrumentation.LibraryVersion;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.ClientBoundState;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.CurrentRequest;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.PoolPolicy;
import io.httppool.agent.pool.SetupRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpClientConnection;
import org.apache.http.conn.ConnectionRequest;
import org.apache.http.conn.DnsResolver;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.impl.conn.SystemDefaultDnsResolver;
import org.apache.http.protocol.HttpContext;

/**
 * The managed HttpClient 4.5 pools of one class loader (this class is defined anew in every loader that has
 * HttpClient 4, so its statics are per loader), and what the hooks ({@link Apache4Hooks}) do.
 *
 * <p>Which connection managers belong to a pool:
 * <ul>
 *   <li>the pool's current manager (and replaced ones still draining): put into an {@code HttpClientBuilder}
 *       that has none while its {@code build()} runs, and taken out again afterwards, so the builder is
 *       unchanged for the application;</li>
 *   <li>a {@code new PoolingHttpClientConnectionManager()} the application set on a builder, when it is
 *       provably interchangeable with the default setup: made by the no-argument constructor, never
 *       configured nor used before, owned by the client (not {@code setConnectionManagerShared(true)}). It is
 *       adopted: its leases go to the default pool. Configured later, it leaves the pool and is its own again.
 *       Any other manager of the application is left alone, with one log line saying why.</li>
 * </ul>
 * Methods whose name says "redirect" may throw what the library itself throws; every other method answers
 * "do what the library would have done" when anything goes wrong (through the hooks' catch-all).
 */
public final class Apache4Pools {

    static final String VERSION_PROPERTIES = "org/apache/http/client/version.properties";

    private static final String LIBRARY = "Apache HttpClient 4 " + LibraryVersion.read(
            PoolingHttpClientConnectionManager.class.getClassLoader(), VERSION_PROPERTIES, "info.release");
    private static final SetupRegistry<Apache4ManagedPool> REGISTRY =
            new SetupRegistry<>("apache4", LIBRARY, Apache4Pools.class.getClassLoader());

    /**
     * Set while the agent builds, leases from, releases to or shuts down a manager itself: not intercepted.
     * Cleared with {@code set(null)}, not {@code remove()}, which makes every request add the entry back
     * (see {@code Apache5Pools.BUILDING}).
     */
    private static final ThreadLocal<Boolean> INTERNAL = new ThreadLocal<>();
    /** Builders whose connection manager the agent set for the build running on this thread (null: left alone). */
    private static final ThreadLocal<Deque<Object[]>> BUILDS = ThreadLocal.withInitial(ArrayDeque::new);
    /** The clients being closed on this thread, innermost first. */
    private static final ThreadLocal<Deque<Object>> CLOSING = ThreadLocal.withInitial(ArrayDeque::new);

    /** Every current manager to its pool. */
    private static final Map<PoolingHttpClientConnectionManager, Apache4ManagedPool> CURRENT = new ConcurrentHashMap<>();
    /** Replaced managers and adopted application managers: new leases through them go to their pool. Weak. */
    private static final Map<PoolingHttpClientConnectionManager, Apache4ManagedPool> ROUTED =
            Collections.synchronizedMap(new WeakHashMap<>());
    /** Adopted managers the application configured later: their own again, but connections they leased from a pool go back there. */
    private static final Map<PoolingHttpClientConnectionManager, Apache4ManagedPool> LEFT =
            Collections.synchronizedMap(new WeakHashMap<>());
    private static volatile boolean anyRouted;
    private static volatile boolean anyLeft;
    /**
     * Managers made by the no-argument constructor: "" while untouched, else why they cannot be adopted
     * (a setter was called, or they were used). Weak: a manager nobody holds is forgotten.
     */
    private static final Map<PoolingHttpClientConnectionManager, String> NO_ARG =
            Collections.synchronizedMap(new WeakHashMap<>());

    private static final LibraryField CONN_MANAGER = builderField("connManager");
    private static final LibraryField CONN_MANAGER_SHARED = builderField("connManagerShared");
    private static final LibraryField CONNECTION_STATE_DISABLED = builderField("connectionStateDisabled");
    private static final LibraryField USER_TOKEN_HANDLER = builderField("userTokenHandler");

    private Apache4Pools() {
    }

    private static LibraryField builderField(String name) {
        LibraryField field = LibraryField.declared(HttpClientBuilder.class, name);
        if (field == null) {
            AgentLog.warnOnce("apache4-builder-field", "HttpClientBuilder." + name + " not found in this HttpClient 4"
                    + " version: clients built by HttpClientBuilder are not pooled", null);
        }
        return field;
    }

    // ---- pools -----------------------------------------------------------------------------------------

    /** The pool of {@code setup}, created on first use; null when it may not be pooled. */
    private static Apache4ManagedPool poolFor(Apache4Setup setup) {
        if (!Apache4PoolInternals.complete()) {
            AgentLog.warnOnce("apache4-internals", "This HttpClient 4 version hides the pool internals the agent"
                    + " needs (CPoolProxy.poolEntry, PoolingHttpClientConnectionManager.pool): not pooled", null);
            return null;
        }
        io.httppool.agent.pool.SetupFingerprint fingerprint = setup.fingerprint();
        Apache4ManagedPool pool = REGISTRY.get(fingerprint);
        if (pool == null) {
            String kind = setup.kind();
            pool = REGISTRY.getOrCreate(fingerprint, kind, name -> createPool(name, kind, setup));
        }
        return pool;
    }

    /** The pool of a builder left at its defaults: what createMinimal() and an adopted manager use. */
    static Apache4ManagedPool defaultPool() {
        return poolFor(Apache4Setup.defaults());
    }

    private static Apache4ManagedPool createPool(String name, String kind, Apache4Setup setup) {
        PoolPolicy policy = PoolPolicy.of(AgentConfig.current(), setup.maxTotal(), setup.maxPerRoute());
        Apache4PoolFactory factory = new Apache4PoolFactory(setup, policy);
        Apache4ManagedPool pool = new Apache4ManagedPool(name, LIBRARY, kind, () -> buildManager(factory), policy,
                setup.timeToLiveSet(), hostAddressesFor(setup), Clock.SYSTEM);
        CURRENT.put(pool.manager(), pool);
        AgentLog.info("Created managed pool " + name + " for " + LIBRARY + " (" + kind + " setup): max " + policy.maxTotal()
                + " connections, " + policy.maxPerRoute() + " per route" + (policy.gated()
                        ? ", " + policy.onExhausted().name().toLowerCase(java.util.Locale.ROOT) + " when all are in use"
                        : " (the application's own limits)"));
        return pool;
    }

    /** The JVM's resolver, unless the setup has a DNS resolver of its own, which then answers. */
    private static HostAddresses hostAddressesFor(Apache4Setup setup) {
        Object resolver = setup.dnsResolver();
        if (resolver instanceof DnsResolver && !(resolver instanceof SystemDefaultDnsResolver)) {
            return HostAddresses.using(((DnsResolver) resolver)::resolve);
        }
        return HostAddresses.jvm();
    }

    private static PoolingHttpClientConnectionManager buildManager(Apache4PoolFactory factory) {
        INTERNAL.set(Boolean.TRUE);
        try {
            return factory.build();
        } catch (ReflectiveOperationException error) {
            throw new IllegalStateException("cannot build a connection manager", error);
        } finally {
            INTERNAL.set(null);
        }
    }

    static void adopt(PoolingHttpClientConnectionManager manager, Apache4ManagedPool pool) {
        CURRENT.put(manager, pool);
    }

    /** A recreated pool's old manager: still recognised (shutdown ignored, requests redirected) while clients hold it. */
    static void retire(PoolingHttpClientConnectionManager manager, Apache4ManagedPool pool) {
        ROUTED.put(manager, pool);
        anyRouted = true;
        CURRENT.remove(manager);
    }

    /** The pool whose leases {@code manager} serves (current, replaced or adopted), or null for the application's own. */
    private static Apache4ManagedPool routedPool(Object manager) {
        Apache4ManagedPool pool = CURRENT.get(manager);
        if (pool == null && anyRouted) {
            pool = ROUTED.get(manager);
        }
        return pool;
    }

    /** As {@link #routedPool}, also for an adopted manager that left its pool: connections it leased there go back there. */
    private static Apache4ManagedPool poolOfConnections(Object manager) {
        Apache4ManagedPool pool = routedPool(manager);
        if (pool == null && anyLeft) {
            pool = LEFT.get(manager);
        }
        return pool;
    }

    // ---- building clients ------------------------------------------------------------------------------

    /**
     * {@code HttpClientBuilder.build()} starts. A builder without a connection manager gets the managed one
     * of its setup for this build; a builder with an untouched {@code new PoolingHttpClientConnectionManager()}
     * has it adopted by the default pool. A client without connection state ({@code disableConnectionState()}
     * or its own {@code UserTokenHandler}) is left alone: its authenticated connections (NTLM, client
     * certificate) would carry no user token, and shared they could serve another client as that user.
     */
    public static void clientBuildStarting(HttpClientBuilder builder) {
        Deque<Object[]> builds = BUILDS.get();
        builds.push(new Object[] {null, null});
        if (INTERNAL.get() != null) {
            return;
        }
        try {
            if (CONN_MANAGER == null || CONN_MANAGER_SHARED == null || CONNECTION_STATE_DISABLED == null
                    || USER_TOKEN_HANDLER == null || !Apache4Setup.readable()) {
                return;
            }
            boolean stateless = CONNECTION_STATE_DISABLED.getBoolean(builder) || USER_TOKEN_HANDLER.get(builder) != null;
            Object manager = CONN_MANAGER.get(builder);
            if (manager == null) {
                if (stateless) {
                    logStatelessClient();
                    return;
                }
                Apache4ManagedPool pool = poolFor(Apache4Setup.of(builder));
                if (pool != null) {
                    PoolingHttpClientConnectionManager shared = pool.manager();
                    CONN_MANAGER.set(builder, shared);
                    builds.peek()[0] = builder;
                    builds.peek()[1] = shared;
                }
            } else if (manager instanceof PoolingHttpClientConnectionManager && !CURRENT.containsKey(manager)) {
                // CURRENT: another thread's build of the same builder put it there; that thread takes it out again.
                applicationManager(builder, (PoolingHttpClientConnectionManager) manager, stateless);
            }
        } catch (Throwable error) {
            AgentErrors.record("Apache HttpClient 4 client build", error);
        }
    }

    /**
     * The start of a build failed before it was recorded: recorded as a build the agent left alone, so that
     * its end matches it (and not an enclosing build's). Never throws.
     */
    static void clientBuildUntouched() {
        try {
            BUILDS.get().push(new Object[] {null, null});
        } catch (Throwable ignored) {
            // nothing safer is left to do
        }
    }

    /** The build ended (also by an exception): the builder gets back the manager field it had. */
    public static void clientBuildEnded() {
        Deque<Object[]> builds = BUILDS.get();
        Object[] build = builds.poll();
        if (builds.isEmpty()) {
            BUILDS.remove();
        }
        if (build == null || build[0] == null) {
            return;
        }
        try {
            Object builder = build[0];
            if (CONN_MANAGER.get(builder) == build[1]) {
                CONN_MANAGER.set(builder, null);
            }
        } catch (Throwable error) {
            AgentErrors.record("restoring an HttpClientBuilder", error);
        }
    }

    private static void applicationManager(HttpClientBuilder builder, PoolingHttpClientConnectionManager manager,
                                           boolean stateless) throws Throwable {
        Apache4ManagedPool routed = routedPool(manager);
        if (routed != null) {
            if (stateless) {
                leavePool(manager, "it is now used by a client without connection state (disableConnectionState() or"
                        + " its own UserTokenHandler), whose authenticated connections must not be shared");
            }
            return;
        }
        String why = adoptionRefused(builder, manager, stateless);
        if (why != null) {
            AgentLog.infoOnce("apache4-own-manager:" + why, "A PoolingHttpClientConnectionManager set on HttpClientBuilder"
                    + " is left alone (not pooled): " + why + ". Only a manager made with new PoolingHttpClientConnectionManager()"
                    + " and not configured is pooled; configure the builder (setMaxConnTotal, setSSLContext...) instead of the"
                    + " manager to get pooling.");
            return;
        }
        Apache4ManagedPool pool = defaultPool();
        if (pool != null) {
            ROUTED.put(manager, pool);
            anyRouted = true;
        }
    }

    /** Null when {@code manager} may be adopted by the default pool, else why not (for the log). */
    private static String adoptionRefused(HttpClientBuilder builder, PoolingHttpClientConnectionManager manager,
                                          boolean stateless) {
        if (manager.getClass() != PoolingHttpClientConnectionManager.class) {
            return "it is a subclass (" + manager.getClass().getName() + ")";
        }
        String touched = NO_ARG.get(manager);
        if (touched == null) {
            return "it was made with constructor arguments (its own socket factories, DNS resolver or time-to-live)";
        }
        if (!touched.isEmpty()) {
            return touched;
        }
        if (CONN_MANAGER_SHARED.getBoolean(builder)) {
            return "the application shares it between clients itself (setConnectionManagerShared(true))";
        }
        if (stateless) {
            return "its client has no connection state (disableConnectionState() or its own UserTokenHandler)";
        }
        return null;
    }

    private static void logStatelessClient() {
        AgentLog.infoOnce("apache4-private-client", "An HttpClient 4 client without connection state"
                + " (disableConnectionState() or its own UserTokenHandler) keeps a connection manager of its own: pooled"
                + " connections could otherwise carry one user's authentication to another client");
    }

    // ---- managers the application makes and configures -------------------------------------------------

    /** {@code new PoolingHttpClientConnectionManager()} returned: untouched so far. */
    public static void noArgManagerCreated(PoolingHttpClientConnectionManager manager) {
        if (INTERNAL.get() == null) {
            NO_ARG.put(manager, "");
        }
    }

    /**
     * The application configures a manager ({@code setMaxTotal}, {@code setDefaultSocketConfig}...). Before it
     * is set on a builder, that only means it cannot be adopted. An adopted one leaves its pool: it is its
     * own again, configured as the application says, and no longer pooled (a WARN says so).
     */
    public static void managerConfigured(PoolingHttpClientConnectionManager manager, String setter) {
        if (INTERNAL.get() != null) {
            return;
        }
        NO_ARG.computeIfPresent(manager, (m, why) -> why.isEmpty() ? "PoolingHttpClientConnectionManager." + setter + " was called on it" : why);
        if (anyRouted && ROUTED.get(manager) != null && !CURRENT.containsKey(manager)) {
            leavePool(manager, "PoolingHttpClientConnectionManager." + setter + " was called on it after its client was built");
        }
    }

    private static void leavePool(PoolingHttpClientConnectionManager manager, String why) {
        Apache4ManagedPool pool = ROUTED.remove(manager);
        if (pool == null) {
            return;
        }
        LEFT.put(manager, pool);
        anyLeft = true;
        AgentLog.warnOnce("apache4-left-pool:" + pool.name(), "A PoolingHttpClientConnectionManager of the application that"
                + " the agent had pooled in " + pool.name() + " is its own again, because " + why + ": its clients are no"
                + " longer pooled. Configure the HttpClientBuilder instead of the manager to keep pooling.", null);
    }

    // ---- closing -----------------------------------------------------------------------------------------

    /** A client's {@code close()} starts: a manager shut down meanwhile is one this client owned. */
    public static void clientClosing(Object client) {
        CLOSING.get().push(client);
    }

    public static void clientClosed() {
        Deque<Object> closing = CLOSING.get();
        closing.poll();
        if (closing.isEmpty()) {
            CLOSING.remove();
        }
    }

    /**
     * True for a managed manager: only the agent shuts it down, not the application, nor HttpClient 4's
     * shutdown after an Error. When a client that owns it is being closed (without the agent it would have
     * shut its own pool down, and with it every connection under a response nobody closed), the connections
     * that client still holds are closed; nothing else of the shared pool is touched. An adopted manager that
     * left its pool shuts down for real, after the same release.
     */
    public static boolean ignoresShutdown(PoolingHttpClientConnectionManager manager) {
        if (INTERNAL.get() != null) {
            return false;
        }
        Apache4ManagedPool pool = poolOfConnections(manager);
        if (pool == null) {
            return false;
        }
        Deque<Object> closing = CLOSING.get();
        Object client = closing.peek();
        if (closing.isEmpty()) {
            CLOSING.remove();
        }
        if (client != null) {
            pool.clientClosed(client);
        }
        return routedPool(manager) != null;
    }

    /**
     * Whether the agent may share {@code manager}, for the shutdown hook's error path: in doubt (even this
     * lookup failing) it may. Never throws.
     */
    static boolean mayBeShared(PoolingHttpClientConnectionManager manager) {
        try {
            return INTERNAL.get() == null && routedPool(manager) != null;
        } catch (Throwable error) {
            return true;
        }
    }

    static void shutdownByAgent(PoolingHttpClientConnectionManager manager) {
        INTERNAL.set(Boolean.TRUE);
        try {
            manager.shutdown();
        } catch (RuntimeException error) {
            AgentErrors.record("closing a managed pool", error);
        } finally {
            INTERNAL.set(null);
        }
    }

    // ---- leasing and releasing ---------------------------------------------------------------------------

    /**
     * For a manager routed to a pool, a request that goes through the pool's gate to its current manager;
     * null otherwise (the library's own request).
     */
    public static ConnectionRequest managedRequest(PoolingHttpClientConnectionManager manager, HttpRoute route, Object state) {
        if (INTERNAL.get() != null) {
            return null;
        }
        NO_ARG.computeIfPresent(manager, (m, why) -> why.isEmpty() ? "it was used by a client before" : why);
        Apache4ManagedPool pool = routedPool(manager);
        return pool != null ? new Apache4ConnectionRequest(pool, route, leaseState(route, state)) : null;
    }

    /**
     * Connections through a proxy are not shared between clients: a CONNECT tunnel authenticated with one
     * client's proxy credentials (Basic) returns to the pool with no user token, and would serve another
     * client without its credentials. Leased and released under a state naming their client, they only
     * serve that client again. A lease whose client is unknown gets a state nothing else equals.
     */
    private static Object leaseState(HttpRoute route, Object state) {
        if (route == null || route.getProxyHost() == null) {
            return state;
        }
        Object client = CurrentRequest.currentClient();
        return client != null ? new ClientBoundState(client, state) : new Object();
    }

    /** The library's own request on {@code manager}, not intercepted. */
    static ConnectionRequest requestUnmanaged(PoolingHttpClientConnectionManager manager, HttpRoute route, Object state) {
        INTERNAL.set(Boolean.TRUE);
        try {
            return manager.requestConnection(route, state);
        } finally {
            INTERNAL.set(null);
        }
    }

    /** For a connection of a managed pool: released on the manager that leased it, under the pool's rules. */
    public static boolean managedRelease(PoolingHttpClientConnectionManager manager, HttpClientConnection connection,
                                         Object state, long keepAlive, TimeUnit unit) {
        if (INTERNAL.get() != null) {
            return false;
        }
        Apache4ManagedPool pool = poolOfConnections(manager);
        if (pool == null) {
            return false;
        }
        pool.release(manager, connection, state, keepAlive, unit);
        return true;
    }

    /** The library's own release on {@code manager}, not intercepted. */
    static void releaseUnmanaged(PoolingHttpClientConnectionManager manager, HttpClientConnection connection, Object state,
                                 long keepAlive, TimeUnit unit) {
        INTERNAL.set(Boolean.TRUE);
        try {
            manager.releaseConnection(connection, state, keepAlive, unit);
        } finally {
            INTERNAL.set(null);
        }
    }

    // ---- connecting ----------------------------------------------------------------------------------------

    /** The agent's connect timeout where the request config set none. */
    public static int connectTimeout(PoolingHttpClientConnectionManager manager, int requested) {
        Apache4ManagedPool pool = poolOfConnections(manager);
        return pool != null ? pool.connectTimeout(requested) : requested;
    }

    /** The manager that leased {@code connection}, when that is another one than {@code via}; else null. */
    private static PoolingHttpClientConnectionManager ownerIfRedirected(PoolingHttpClientConnectionManager via,
                                                                        HttpClientConnection connection) {
        try {
            Apache4ManagedPool pool = poolOfConnections(via);
            PoolingHttpClientConnectionManager owner = pool != null ? pool.ownerOf(connection) : null;
            return owner != via ? owner : null;
        } catch (Throwable error) {
            AgentErrors.record("connection owner lookup", error);
            return null;
        }
    }

    /** Connects on the manager that leased the connection (its socket settings); throws what the library throws. */
    public static boolean redirectConnect(PoolingHttpClientConnectionManager manager, HttpClientConnection connection,
                                          HttpRoute route, int connectTimeout, HttpContext context) throws IOException {
        PoolingHttpClientConnectionManager owner = ownerIfRedirected(manager, connection);
        if (owner == null) {
            return false;
        }
        owner.connect(connection, route, connectTimeout, context);
        return true;
    }

    public static boolean redirectUpgrade(PoolingHttpClientConnectionManager manager, HttpClientConnection connection,
                                          HttpRoute route, HttpContext context) throws IOException {
        PoolingHttpClientConnectionManager owner = ownerIfRedirected(manager, connection);
        if (owner == null) {
            return false;
        }
        owner.upgrade(connection, route, context);
        return true;
    }

    public static void connected(PoolingHttpClientConnectionManager manager, HttpClientConnection connection, HttpRoute route,
                                 Throwable failure) {
        Apache4ManagedPool pool = poolOfConnections(manager);
        if (pool != null) {
            pool.connectEnded(connection);
            pool.connected(route, failure);
        }
    }

    public static void upgraded(PoolingHttpClientConnectionManager manager, HttpRoute route, Throwable failure) {
        Apache4ManagedPool pool = poolOfConnections(manager);
        if (pool != null) {
            pool.upgraded(route, failure);
        }
    }

    // ---- executing -----------------------------------------------------------------------------------------

    /**
     * One hop of a request failed inside the exec chain. An Error there makes HttpClient 4 shut the whole
     * manager down (ignored for managed ones) and leave the hop's connection leased: it is discarded and the
     * pool recreated. An I/O failure counts toward a burst.
     */
    public static void hopFailed(Object manager, HttpRoute route, Throwable failure) {
        Apache4ManagedPool pool = poolOfConnections(manager);
        if (pool == null || failure == null) {
            return;
        }
        if (failure instanceof Error) {
            CurrentRequest request = CurrentRequest.current();
            Object leased = request != null ? request.leasedConnection() : null;
            pool.fatal(failure, leased instanceof HttpClientConnection ? (HttpClientConnection) leased : null);
        } else if (failure instanceof IOException) {
            pool.exchangeFailed(route);
        }
    }
}
