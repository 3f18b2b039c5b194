package io.httppool.agent.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.instrumentation.apache5.Apache5Pools;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolHealth;
import io.httppool.agent.metrics.PoolHealthRegistry;
import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolRegistry;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import io.httppool.agent.testing.FakePool;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoolMBeansTest {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final PoolHealthRegistry health = new PoolHealthRegistry();
    private final PoolMBeans mbeans = new PoolMBeans(ManagementFactory::getPlatformMBeanServer, health,
            new AgentView(AgentConfig.defaults(), () -> MetricsSnapshot.take(List.of(), health)));

    @AfterEach
    void unregister() {
        mbeans.unregisterAll();
    }

    @Test
    void aPoolIsVisibleWithItsFigures() throws Exception {
        FakePool pool = new FakePool("apache5/custom-1@Loader \"x\"").stats(3, 2, 1, 50);
        pool.counterHandle().connectionCreated();
        pool.counterHandle().request();
        pool.counterHandle().request();
        pool.counterHandle().error(ErrorKind.TLS);
        health.record(pool.name(), new PoolHealth(HealthState.DEGRADED, "1 waiting for a connection",
                Instant.parse("2025-06-01T12:00:00Z")));

        mbeans.sync(List.of(pool));

        ObjectName name = new ObjectName("io.httppool.agent:type=Pool,name=" + ObjectName.quote(pool.name()));
        assertEquals(name, PoolMBeans.poolObjectName(pool.name()));
        assertTrue(server.isRegistered(name));
        assertEquals(pool.name(), server.getAttribute(name, "Name"));
        assertEquals("Fake HTTP 1.0", server.getAttribute(name, "Library"));
        assertEquals("default", server.getAttribute(name, "Setup"));
        assertEquals("DEGRADED", server.getAttribute(name, "State"));
        assertEquals("1 waiting for a connection", server.getAttribute(name, "Reason"));
        assertEquals("2025-06-01T12:00:00Z", server.getAttribute(name, "LastCheck"));
        assertEquals(true, server.getAttribute(name, "Open"));
        assertEquals(3, server.getAttribute(name, "Leased"));
        assertEquals(2, server.getAttribute(name, "Available"));
        assertEquals(1, server.getAttribute(name, "Pending"));
        assertEquals(50, server.getAttribute(name, "Max"));
        assertEquals(1L, server.getAttribute(name, "ConnectionsCreated"));
        assertEquals(2L, server.getAttribute(name, "Requests"));
        assertEquals(0L, server.getAttribute(name, "Leaks"));
        TabularData errors = (TabularData) server.getAttribute(name, "Errors");
        CompositeData tls = errors.get(new Object[] {"tls"});
        assertEquals(1L, tls.get("value"));
        assertEquals(5, errors.size());
    }

    /**
     * On a real managed pool (HttpClient 5's manager under the agent's pool, no fake figures): two idle
     * connections to a local socket are closed by the JMX operation, which answers how many; a recreation
     * over JMX gives the pool a new manager.
     */
    @Test
    void operationsReachThePool() throws Exception {
        try (java.net.ServerSocket upstream = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(upstream.accept());
                    }
                } catch (java.io.IOException closed) {
                    // test over
                }
            }, "operations-test-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();

            // The "system" setup: always pooled (not one of the 16 custom setups other tests may have used up),
            // and no other test connects through it.
            java.util.function.Supplier<PoolingHttpClientConnectionManager> build = () -> Apache5Pools.sharedManagerFor(
                    PoolingHttpClientConnectionManagerBuilder.create().useSystemProperties());
            PoolingHttpClientConnectionManager manager = build.get();
            assertTrue(manager != null, "the system setup is pooled");
            ManagedPool pool = PoolRegistry.all().stream().filter(p -> p.name().equals("apache5/system")).findFirst().orElseThrow();
            HttpRoute route = new HttpRoute(new HttpHost("http", "127.0.0.1", upstream.getLocalPort()));
            List<ConnectionEndpoint> endpoints = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ConnectionEndpoint endpoint = manager.lease("op-" + i, route, Timeout.ofSeconds(5), null).get(Timeout.ofSeconds(5));
                manager.connect(endpoint, TimeValue.ofSeconds(5), HttpClientContext.create());
                endpoints.add(endpoint);
            }
            for (ConnectionEndpoint endpoint : endpoints) {
                manager.release(endpoint, null, TimeValue.ofMinutes(5));
            }
            mbeans.sync(List.of(pool));
            ObjectName name = PoolMBeans.poolObjectName(pool.name());
            assertEquals(2, server.getAttribute(name, "Available"), "two idle connections in the real pool");

            assertEquals(2, server.invoke(name, "evictIdleConnections", new Object[0], new String[0]), "closed two");
            assertEquals(0, manager.getTotalStats().getAvailable(), "the library's pool has no idle connection left");
            assertEquals(0, server.getAttribute(name, "Available"));

            long recreations = (Long) server.getAttribute(name, "Recreations");
            server.invoke(name, "recreate", new Object[0], new String[0]);
            assertEquals(recreations + 1, server.getAttribute(name, "Recreations"));
            PoolingHttpClientConnectionManager fresh = build.get();
            assertTrue(fresh != manager, "the setup's clients now get the recreated pool's new manager");
            assertTrue(Apache5Pools.ignoresClose(manager), "the old manager is retired, still the agent's, not the application's to close");
        }
    }

    @Test
    void aPoolThatDisappearsIsUnregistered() {
        FakePool pool = new FakePool("fake/short-lived");
        mbeans.sync(List.of(pool));
        assertTrue(server.isRegistered(PoolMBeans.poolObjectName("fake/short-lived")));

        mbeans.sync(List.of());

        assertFalse(server.isRegistered(PoolMBeans.poolObjectName("fake/short-lived")));
    }

    @Test
    void theAgentIsVisibleWithItsConfiguration() throws Exception {
        mbeans.sync(List.of());

        ObjectName agent = new ObjectName("io.httppool.agent:type=Agent");
        assertTrue(server.isRegistered(agent));
        assertEquals(true, server.getAttribute(agent, "PoolingEnabled"));
        assertEquals("dev", server.getAttribute(agent, "Version"));
        assertEquals("UP", server.getAttribute(agent, "Status"));
        assertTrue((Long) server.getAttribute(agent, "SuppressedErrors") >= 0);
        TabularData configuration = (TabularData) server.getAttribute(agent, "Configuration");
        assertEquals("60s", configuration.get(new Object[] {"HTTP_POOL_HEALTH_INTERVAL"}).get("value"));
        assertEquals(AgentConfig.defaults().asMap().size(), configuration.size());

        mbeans.unregisterAll();
        assertFalse(server.isRegistered(agent));
    }

    @Test
    void theViewDoesNotKeepThePoolAlive() throws Exception {
        FakePool pool = new FakePool("fake/collectable");
        java.lang.ref.WeakReference<FakePool> ref = new java.lang.ref.WeakReference<>(pool);
        mbeans.sync(List.of(pool));
        pool = null;

        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }

        assertEquals(null, ref.get(), "a registered MBean must not pin the pool (and its class loader)");
    }
}
