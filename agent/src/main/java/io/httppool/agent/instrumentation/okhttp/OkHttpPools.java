package io.httppool.agent.instrumentation.okhttp;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.ConnectionLifetime;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.PoolPolicy;
import io.httppool.agent.pool.SetupFingerprint;
import io.httppool.agent.pool.SetupRegistry;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The shared OkHttp pool of one class loader (this class is defined anew in every loader that has OkHttp),
 * and what the hooks ({@link OkHttpHooks}) do.
 */
final class OkHttpPools {

    private static final SetupFingerprint DEFAULT = SetupFingerprint.ofParts("okhttp-default");
    private static final String LIBRARY = "OkHttp " + new OkHttpInstrumentation().versionIn(OkHttpPools.class.getClassLoader());
    private static final SetupRegistry<OkHttpManagedPool> REGISTRY =
            new SetupRegistry<>("okhttp", LIBRARY, OkHttpPools.class.getClassLoader());
    /** Set while the agent builds OkHttp objects itself, and while it evicts: its own calls pass untouched. */
    private static final ThreadLocal<Boolean> AGENT = new ThreadLocal<>();
    /** The builder's fields {@link #builderCreated} sets, by each version's names. */
    private static final OkHttpInternals.FieldOf BUILDER_POOL = new OkHttpInternals.FieldOf("connectionPool");
    private static final OkHttpInternals.FieldOf BUILDER_DISPATCHER = new OkHttpInternals.FieldOf("dispatcher");
    private static final OkHttpInternals.FieldOf BUILDER_SOCKET_FACTORY =
            new OkHttpInternals.FieldOf("sslSocketFactoryOrNull", "sslSocketFactory");
    private static final OkHttpInternals.FieldOf BUILDER_TRUST_MANAGER = new OkHttpInternals.FieldOf("x509TrustManagerOrNull");
    private static final OkHttpInternals.FieldOf BUILDER_CHAIN_CLEANER = new OkHttpInternals.FieldOf("certificateChainCleaner");
    private static final OkHttpInternals.FieldOf BUILDER_CONNECT_TIMEOUT = new OkHttpInternals.FieldOf("connectTimeout");
    private static final OkHttpInternals.FieldOf BUILDER_READ_TIMEOUT = new OkHttpInternals.FieldOf("readTimeout");
    private static final OkHttpInternals.FieldOf BUILDER_WRITE_TIMEOUT = new OkHttpInternals.FieldOf("writeTimeout");
    /** The TLS objects OkHttp makes for a default client, made once (see {@link #builderCreated}). */
    private static volatile Object[] defaultTls;

    private OkHttpPools() {
    }

    private static OkHttpManagedPool pool() {
        return REGISTRY.getOrCreate(DEFAULT, "default", name -> {
            AgentConfig config = AgentConfig.current();
            long demandWindow = PoolPolicy.of(config, 0, 0).demandWindowMillis();
            OkHttpManagedPool pool = new OkHttpManagedPool(name, LIBRARY, config.maxConnections(),
                    config.maxKeepAliveConnections(), demandWindow, config.keepAliveExpiry().toMillis(),
                    new ConnectionLifetime(config.maxConnectionLifetime().toMillis()), HostAddresses.jvm(), Clock.SYSTEM);
            AgentLog.info("Created managed pool " + name + " for " + LIBRARY + ": one ConnectionPool (up to "
                    + Math.max(config.maxConnections(), config.maxKeepAliveConnections()) + " idle connections, "
                    + config.maxKeepAliveConnections() + " once unused for " + demandWindow / 1000.0 + " s; keep-alive "
                    + config.keepAliveExpiry().toMillis() / 1000.0 + " s) and one dispatcher executor shared by every client"
                    + " that did not set its own");
            return pool;
        });
    }

    /**
     * A new builder (also the one {@code new OkHttpClient()} makes): its default pool, dispatcher, TLS
     * objects and timeouts become the shared pool, a dispatcher of its own on the shared executor, the
     * shared default TLS objects and the agent's timeouts. Whatever the application sets on the builder
     * afterwards replaces them, as it would have replaced OkHttp's defaults.
     */
    static void builderCreated(Object builder) throws Exception {
        if (AGENT.get() != null) {
            return;
        }
        OkHttpManagedPool pool = pool();
        if (pool == null) {
            return;
        }
        Object[] tls = defaultTls();
        BUILDER_POOL.set(builder, pool.connectionPool());
        BUILDER_DISPATCHER.set(builder, new Dispatcher(new OkHttpExecutorView(pool.executor())));
        if (tls != null) {
            // 4.x/5.x: factory, trust manager, chain cleaner; 3.x: factory and chain cleaner.
            BUILDER_SOCKET_FACTORY.set(builder, tls[0]);
            BUILDER_TRUST_MANAGER.set(builder, tls[1]);
            BUILDER_CHAIN_CLEANER.set(builder, tls[2]);
        }
        AgentConfig config = AgentConfig.current();
        BUILDER_CONNECT_TIMEOUT.set(builder, millis(config.connectTimeout()));
        BUILDER_READ_TIMEOUT.set(builder, millis(config.readTimeout()));
        BUILDER_WRITE_TIMEOUT.set(builder, millis(config.writeTimeout()));
    }

    private static int millis(java.time.Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    /**
     * What OkHttp gives a default client: a client built once by the agent, whose SSL socket factory, trust
     * manager and certificate chain cleaner every default client then shares. (Each default client makes its
     * own factory otherwise, and OkHttp reuses a pooled connection only for the same factory.) Null when
     * this OkHttp version hides them: then every client keeps its own, and only plain HTTP is reused.
     */
    private static Object[] defaultTls() {
        Object[] tls = defaultTls;
        if (tls == null) {
            AGENT.set(Boolean.TRUE);
            try {
                OkHttpClient template = new OkHttpClient();
                Object factory = OkHttpInternals.get(template, "sslSocketFactoryOrNull", "sslSocketFactory");
                Object trustManager = OkHttpInternals.get(template, "x509TrustManager");
                Object cleaner = OkHttpInternals.get(template, "certificateChainCleaner");
                tls = factory != null && cleaner != null ? new Object[] {factory, trustManager, cleaner} : new Object[0];
            } catch (Throwable error) {
                AgentLog.warnOnce("okhttp-tls", "Cannot read OkHttp's default TLS objects (" + error + "): default clients"
                        + " keep their own, and only plain-HTTP connections are reused across them", null);
                tls = new Object[0];
            } finally {
                AGENT.remove();
            }
            defaultTls = tls;
        }
        return tls.length == 0 ? null : tls;
    }

    /** One client's {@code connectionPool().evictAll()} leaves the shared pool's idle connections to the others. */
    static boolean keepsIdleConnections(Object connectionPool) {
        if (AGENT.get() != null) {
            return false;
        }
        OkHttpManagedPool pool = REGISTRY.get(DEFAULT);
        return pool != null && pool.owns(connectionPool);
    }

    static void evictAllByAgent(ConnectionPool pool) {
        AGENT.set(Boolean.TRUE);
        try {
            pool.evictAll();
        } finally {
            AGENT.remove();
        }
    }

    static void callCreated(Object client) {
        OkHttpManagedPool pool = REGISTRY.get(DEFAULT);
        if (pool != null && pool.owns(((OkHttpClient) client).connectionPool())) {
            pool.counters().request();
        }
    }

    static void connectionAdded(Object realConnectionPool, Object connection) throws Exception {
        OkHttpManagedPool pool = REGISTRY.get(DEFAULT);
        if (pool != null && pool.owns(realConnectionPool)) {
            pool.connectionAdded(connection);
        }
    }

    /** OkHttp's own leak report ("A connection to ... was leaked"): counted for the shared pool. */
    static void leakReported() {
        OkHttpManagedPool pool = REGISTRY.get(DEFAULT);
        if (pool != null) {
            pool.counters().leak();
        }
    }
}
