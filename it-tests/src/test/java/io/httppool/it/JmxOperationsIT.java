package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.AgentMBeans;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * README "JMX", the pool MBean's operations on a real pool, invoked inside the app's own platform MBean
 * server (InteractiveApp's {@code JMXOP}): with 4 idle connections open at the server,
 * {@code evictIdleConnections()} returns 4 and the server side sees all 4 closed (control: without it they
 * stay open); {@code recreate()} counts in {@code Recreations}, logs the WARN, and requests keep succeeding
 * on a connection of the fresh pool while the old pool's one is closed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JmxOperationsIT extends UpstreamTest {

    static final String POOL = "apache5/default";
    static final String MBEAN = AgentMBeans.pool(POOL);

    @Test
    void evictIdleConnectionsClosesThemAtTheServerAndRecreateGivesAFreshPool() {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        String get = "REQ default GET " + base + "/ok";
        upstream.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("jmx-operations").start()) {
            // 4 requests at once: 4 connections, then idle in the pool
            JvmRunner.Outcome par = app.send("PAR 4 4 default " + base + "/delay/1500");
            assertTrue(par.ok, par + "\n" + app.describe());
            assertEquals(4, counter.accepted(), "premise: 4 requests at once took 4 connections\n" + app.describe());
            assertEquals("4", AgentMBeans.await(app, MBEAN, "Available", Duration.ofSeconds(10)), app.describe());
            RecoveryIT.sleep(1500);
            assertEquals(4, counter.open(), "control: left alone, the 4 idle connections stay open at the server\n" + app.describe());

            JvmRunner.Outcome evicted = app.send("JMXOP " + MBEAN + " evictIdleConnections");
            assertTrue(evicted.ok, evicted + "\n" + app.describe());
            assertEquals("4", evicted.body, "evictIdleConnections() returns how many it closed\n" + app.describe());
            assertTrue(counter.awaitNoneOpen(5000), "the server side sees all 4 closed, " + counter.open() + " still open\n"
                    + app.describe());
            assertEquals("0", AgentMBeans.await(app, MBEAN, "Available", Duration.ofSeconds(5)), app.describe());
            assertTrue(app.send(get).ok, app.describe());
            assertEquals(5, counter.accepted(), "the next request opens a new connection\n" + app.describe());

            assertEquals("0", AgentMBeans.await(app, MBEAN, "Recreations", Duration.ofSeconds(5)), "before recreate()\n" + app.describe());
            JvmRunner.Outcome recreated = app.send("JMXOP " + MBEAN + " recreate");
            assertTrue(recreated.ok && "null".equals(recreated.body), "recreate() is void: " + recreated + "\n" + app.describe());
            assertEquals("1", AgentMBeans.await(app, MBEAN, "Recreations", Duration.ofSeconds(5)), app.describe());
            List<String> warns = AgentLog.await(app::stderr, Duration.ofSeconds(5), AgentLog.TAG, "Pool " + POOL + " recreated: requested over JMX");
            assertEquals(1, warns.size(), "one WARN 'Pool " + POOL + " recreated: requested over JMX'\n" + app.describe());
            assertTrue(warns.get(0).contains(" WARN "), warns.get(0));
            assertTrue(counter.awaitNoneOpen(5000), "the replaced pool's idle connection is closed (no request uses it)\n" + app.describe());

            int served = upstream.requestsTo("/ok").size();
            for (int i = 0; i < 3; i++) {
                JvmRunner.Outcome o = app.send(get);
                assertTrue(o.ok && "ok".equals(o.body), "requests keep succeeding after recreate(): " + o + "\n" + app.describe());
            }
            assertEquals(served + 3, upstream.requestsTo("/ok").size(), "WireMock received them\n" + app.describe());
            assertEquals(6, counter.accepted(), "on one connection of the fresh pool\n" + app.describe());
            assertEquals("true", AgentMBeans.await(app, MBEAN, "Open", Duration.ofSeconds(5)), app.describe());
            System.out.println("JMX operations: evictIdleConnections() -> " + evicted.body + ", recreate() -> " + recreated.body
                    + "; connections accepted at the server: " + counter.accepted());
        }
    }
}
