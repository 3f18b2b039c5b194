package io.httppool.agent.instrumentation.jdkhttp;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.ConnectionLifetime;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.SetupRegistry;
import io.httppool.agent.threads.AgentThreads;
import java.net.http.HttpClient;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The JDK client's managed pools (one JDK per JVM, so one registry), keyed by {@link JdkSetup}'s
 * fingerprint, and which real client belongs to which pool.
 */
final class JdkHttpPools {

    static final String LIBRARY = "JDK HttpClient " + Runtime.version().feature();

    private static final SetupRegistry<JdkManagedPool> REGISTRY = new SetupRegistry<>("jdk", LIBRARY, null);
    /** Set while the agent builds a real client itself: its own build is not intercepted. */
    private static final ThreadLocal<JdkManagedPool> BUILDING = new ThreadLocal<>();
    /** Each real client (HttpClientImpl) of a pool, weakly: a replaced one goes once the JDK is done with it. */
    private static final Map<Object, JdkManagedPool> BY_IMPL = Collections.synchronizedMap(new WeakHashMap<>());

    private JdkHttpPools() {
    }

    /** A client of the pool for {@code setup}; null to let the JDK build a client of its own (the agent's build, too many setups). */
    static HttpClient clientFor(JdkSetup setup) {
        if (BUILDING.get() != null) {
            return null;
        }
        String kind = setup.kind();
        JdkManagedPool pool = REGISTRY.getOrCreate(setup.fingerprint(), kind, name -> create(name, kind, setup));
        return pool != null ? new JdkPooledClient(pool, setup) : null;
    }

    private static JdkManagedPool create(String name, String kind, JdkSetup setup) {
        AgentConfig config = AgentConfig.current();
        JdkManagedPool pool = new JdkManagedPool(name, LIBRARY, kind, setup,
                new ConnectionLifetime(config.maxConnectionLifetime().toMillis()), HostAddresses.jvm(), Clock.SYSTEM);
        AgentLog.info("Created managed pool " + name + " for " + LIBRARY + " (" + kind + " setup): one client, its connections"
                + " and selector thread shared by every client of this setup");
        return pool;
    }

    /**
     * A real client of {@code setup} for {@code pool}, built through the public builder. Its selector thread lives as
     * long as the pool, which serves every class loader: built clean, it keeps no web application's loader alive.
     */
    static HttpClient build(JdkManagedPool pool, JdkSetup setup) {
        BUILDING.set(pool);
        try {
            return AgentThreads.runClean(setup::build);
        } catch (ReflectiveOperationException error) {
            throw new IllegalStateException("cannot build a JDK HttpClient for " + pool.name(), error);
        } finally {
            BUILDING.remove();
        }
    }

    /** {@code HttpClientImpl.start()} on the thread that builds: the agent's own builds are remembered per pool. */
    static void started(Object impl) {
        JdkManagedPool pool = BUILDING.get();
        if (pool != null) {
            BY_IMPL.put(impl, pool);
        }
    }

    static JdkManagedPool poolOfImpl(Object impl) {
        return BY_IMPL.get(impl);
    }
}
