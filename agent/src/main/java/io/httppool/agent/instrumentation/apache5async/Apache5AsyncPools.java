package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.instrumentation.LibraryVersion;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.HostAddresses;
import io.httppool.agent.pool.SetupRegistry;
import java.util.function.Supplier;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;

/**
 * The managed async pools of one class loader (this class is defined anew in every loader that has
 * HttpClient 5, so its statics are per loader), keyed by {@link Apache5AsyncSetup}'s fingerprint, and what
 * the hooks ({@link Apache5AsyncHooks}) do.
 */
final class Apache5AsyncPools {

    static final String LIBRARY = "Apache HttpClient 5 async " + LibraryVersion.read(
            CloseableHttpAsyncClient.class.getClassLoader(), Apache5AsyncInstrumentation.VERSION_PROPERTIES, "info.release");
    private static final SetupRegistry<Apache5AsyncManagedPool> REGISTRY =
            new SetupRegistry<>("apache5-async", LIBRARY, Apache5AsyncPools.class.getClassLoader());

    /** Set while the agent builds clients and managers itself: its own builds are not intercepted. */
    private static final ThreadLocal<Boolean> BUILDING = new ThreadLocal<>();

    private Apache5AsyncPools() {
    }

    /**
     * A pooled client for what {@code builder} was given, or null to let the library build its own (the
     * agent's own build, a client that must not share, too many setups).
     */
    static CloseableHttpAsyncClient clientFor(Object builder, Apache5AsyncSetup.Protocol protocol) {
        if (BUILDING.get() != null) {
            return null;
        }
        Apache5AsyncSetup setup = Apache5AsyncSetup.read(builder, protocol);
        if (setup.leftAloneReason() != null) {
            AgentLog.infoOnce("apache5-async-alone:" + setup.leftAloneReason(), "An async HttpClient 5 client is not"
                    + " pooled (" + setup.leftAloneReason() + "); it keeps its own connections and I/O reactor threads");
            return null;
        }
        AgentConfig config = AgentConfig.current();
        Apache5AsyncManagedPool pool = REGISTRY.get(setup.fingerprint());
        if (pool == null) {
            String kind = setup.kind();
            pool = REGISTRY.getOrCreate(setup.fingerprint(), kind, name -> create(name, kind, setup, config));
            if (pool == null) {
                return null;
            }
        }
        return new Apache5AsyncPooledClient(pool, setup, Apache5AsyncClientState.of(setup, config));
    }

    private static Apache5AsyncManagedPool create(String name, String kind, Apache5AsyncSetup setup, AgentConfig config) {
        Apache5AsyncManagedPool pool = new Apache5AsyncManagedPool(name, LIBRARY, kind, setup, config, hostAddressesFor(setup),
                Clock.SYSTEM);
        int[] limits = Apache5AsyncManagers.limits(setup.manager(), config);
        AgentLog.info("Created managed pool " + name + " for " + LIBRARY + " (" + kind + " setup): one "
                + (setup.protocol() == Apache5AsyncSetup.Protocol.H2 ? "HTTP/2" : "async") + " client, its I/O reactor threads and "
                + (setup.protocol() == Apache5AsyncSetup.Protocol.H2 ? "its connections"
                        : limits[0] >= Apache5AsyncManagers.UNBOUNDED ? "its connections (" + config.maxKeepAliveConnections()
                        + " kept idle at most)" : "up to " + limits[0] + " connections, " + limits[1] + " per route")
                + " shared by every client of this setup");
        return pool;
    }

    /** The setup's own DNS resolver answers where its host names point, when it has one; else the JVM's. */
    private static HostAddresses hostAddressesFor(Apache5AsyncSetup setup) {
        Object resolver = setup.protocol() == Apache5AsyncSetup.Protocol.H2 ? setup.value("dnsResolver")
                : Apache5AsyncManagers.dnsResolver(setup.manager());
        if (resolver instanceof DnsResolver && !(resolver instanceof SystemDefaultDnsResolver)) {
            DnsResolver own = (DnsResolver) resolver;
            return HostAddresses.using(own::resolve);
        }
        return HostAddresses.jvm();
    }

    /** Runs one of the agent's own builds, which the hooks let through. */
    static <T> T buildByAgent(Supplier<T> build) {
        BUILDING.set(Boolean.TRUE);
        try {
            return build.get();
        } finally {
            BUILDING.remove();
        }
    }

    static void managerBuilt(PoolingAsyncClientConnectionManager manager, Object builder) {
        if (BUILDING.get() == null) {
            Apache5AsyncManagers.remember(manager, builder);
        }
    }

    static void managerReconfigured(Object manager, String setter) {
        if (BUILDING.get() == null && Apache5AsyncManagers.reconfigured(manager)) {
            AgentLog.infoOnce("apache5-async-reconfigured:" + setter, "PoolingAsyncClientConnectionManager." + setter
                    + " was called after the manager was built: clients given that manager keep their own connections and"
                    + " I/O reactor, as without the agent. Configure PoolingAsyncClientConnectionManagerBuilder instead to"
                    + " have them pooled.");
        }
    }
}
