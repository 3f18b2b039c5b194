package io.httppool.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.config.ConfigLoader;
import io.httppool.agent.jmx.PoolMBeans;
import io.httppool.agent.pool.PoolRegistry;
import io.httppool.agent.status.StatusServer;
import io.httppool.agent.testing.FakePool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

    private final FakePool pool = new FakePool("fake/observed");

    private static AgentConfig config(String agentArgs) {
        AgentConfig loaded = ConfigLoader.load(agentArgs, new Properties(), Map.of());
        assertTrue(loaded.valid(), loaded.errors().toString());
        return loaded;
    }

    @AfterEach
    void stop() {
        Observability.stopForTests();
        PoolRegistry.unregister(pool);
    }

    @Test
    void startBringsUpMonitorJmxAndStatusServerOnce() throws Exception {
        PoolRegistry.register(pool);
        AgentConfig config = config("http.pool.status.port=0,http.pool.health.interval=0.05");

        Observability.start(config);
        StatusServer server = Observability.statusServer();
        Observability.start(config);

        assertNotNull(server);
        assertSame(server, Observability.statusServer(), "a second start changes nothing");
        awaitTrue(() -> ManagementFactory.getPlatformMBeanServer().isRegistered(PoolMBeans.poolObjectName("fake/observed")));
        awaitTrue(() -> pool.maintainCalls.get() >= 2);
        String health = get(server, "/health");
        assertTrue(health.contains("\"name\":\"fake/observed\"") && health.contains("\"state\":\"HEALTHY\""), health);
        assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(PoolMBeans.agentObjectName()));
    }

    @Test
    void nothingStartsOnceTheShutdownHookRan() {
        Observability.shutDown();

        // A first pool's start that woke after the JVM began to exit: with a status port it would start a server.
        Observability.startForFirstPool(config("http.pool.status.port=0,http.pool.health.interval=0.05"));

        assertNull(Observability.statusServer(), "nothing started after the shutdown hook");
    }

    @Test
    void withoutAStatusPortThereIsNoServer() {
        Observability.start(config("http.pool.health.interval=60"));
        assertNull(Observability.statusServer());
    }

    @Test
    void shutdownClosesEveryPoolWithinTheGrace() {
        PoolRegistry.register(pool);
        Observability.start(config("http.pool.health.interval=60"));

        Observability.shutDown();

        assertEquals(1, pool.shutdownGraces.size());
        Duration grace = pool.shutdownGraces.get(0);
        assertTrue(grace.compareTo(Duration.ZERO) > 0 && grace.compareTo(Observability.SHUTDOWN_GRACE) <= 0, grace.toString());
        // The executor was terminated before the pools closed; its worker thread may still be on its way out
        // (terminated is reached just before the thread's last frames return), so wait for it briefly.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(HealthMonitor.THREAD_NAME)) {
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(HealthMonitor.THREAD_NAME)),
                "the monitor stopped at shutdown");
    }

    @Test
    void aBrokenPoolDoesNotStopShutdown() {
        FakePool broken = new FakePool("fake/broken-at-exit").throwing(true);
        PoolRegistry.register(broken);
        PoolRegistry.register(pool);
        try {
            Observability.shutDown();
            assertEquals(1, pool.shutdownGraces.size());
        } finally {
            PoolRegistry.unregister(broken);
        }
    }

    private static String get(StatusServer server, String path) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            return new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
