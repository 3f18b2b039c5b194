package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.AgentMBeans;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.StatusEndpoint;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue 3, point 4 / test "the status endpoints and JMX values match what the server side counted":
 * after N requests over HTTP and HTTPS, /metrics, /health and the pool MXBean report exactly the requests
 * WireMock received, the TCP connections the server side accepted (and, for HTTPS, as many TLS handshakes),
 * and the idle connections that are open at the server; every other path or method gets 404.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ObservabilityIT extends UpstreamTest {

    static final String POOL = "apache5/default";
    static final int MAX = 8;


    @Test
    void statusEndpointsAndJmxMatchWhatTheServerCounted() {
        CountingForwarder http = upstream.newCounter(false);
        CountingForwarder https = upstream.newCounter(true);
        String httpBase = Upstream.baseOf(http, false);
        String httpsBase = Upstream.baseOf(https, true);
        upstream.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("observability")
                .env("HTTP_MAX_CONNECTIONS", String.valueOf(MAX))
                .env("HTTP_POOL_STATUS_PORT", "0")
                .env("HTTP_POOL_HEALTH_INTERVAL", "0.5")
                .start()) {
            StatusEndpoint status = StatusEndpoint.await(app);

            // before any request: no pool yet, UP
            StatusEndpoint.Health empty = status.health();
            assertEquals(200, empty.reply.status, empty.toString());
            assertEquals("UP", empty.status(), empty.toString());

            assertTrue(app.send("PAR 30 4 default " + httpBase + "/ok").ok, app.describe());
            assertTrue(app.send("PAR 20 4 default " + httpsBase + "/ok").ok, app.describe());
            for (int i = 0; i < 5; i++) {
                assertTrue(app.send("REQ default GET " + httpsBase + "/ok").ok, app.describe());
            }
            int n = 55;
            int received = upstream.requestsTo("/ok").size();
            int connections = http.accepted() + https.accepted();
            String server = "server side: " + received + " requests, " + http.accepted() + " HTTP + " + https.accepted()
                    + " HTTPS connections accepted, " + (http.open() + https.open()) + " open";
            assertEquals(n, received, "premise: WireMock received every request\n" + server);
            assertTrue(connections < n, "premise: pooled, fewer connections than requests\n" + server);

            // a check after the requests: HEALTHY, 200
            StatusEndpoint.Health health = status.awaitPoolState(POOL, "HEALTHY", Duration.ofSeconds(5));
            Map<String, String> pool = health.pool(POOL);
            String report = server + "\n/health: " + health.reply;
            assertEquals(200, health.reply.status, report);
            assertTrue(health.reply.contentType != null && health.reply.contentType.startsWith("application/json"), report);
            assertEquals("UP", health.status(), report);
            assertEquals("HEALTHY", pool.get("state"), report);
            assertEquals("ok", pool.get("reason"), report);
            assertEquals("0", pool.get("leased"), report);
            assertEquals("0", pool.get("pending"), report);
            assertEquals(String.valueOf(MAX), pool.get("max"), report);
            assertNotNull(pool.get("last_check"), report);
            assertTrue(pool.get("library").startsWith("Apache HttpClient 5"), report);
            assertEquals("default", pool.get("setup"), report);

            StatusEndpoint.Reply raw = status.get("/metrics");
            assertTrue(raw.contentType != null && raw.contentType.startsWith("text/plain") && raw.contentType.contains("version=0.0.4"),
                    "Prometheus text format 0.0.4: " + raw.contentType);
            // the idle connections, as the server side sees them open (the forwarder sees a close a moment later)
            StatusEndpoint.Metrics m = status.metrics();
            for (int i = 0; i < 40 && http.open() + https.open() != m.pool("http_client_pool_available", POOL); i++) {
                RecoveryIT.sleep(50);
                m = status.metrics();
            }
            report = server + "\nnow open at the server: " + (http.open() + https.open()) + "\n/metrics:\n" + m.text;
            // every figure is checked, and all mismatches reported together
            List<String> problems = new ArrayList<>();
            int open = http.open() + https.open();
            expect(problems, "/metrics http_client_requests_total (== requests WireMock received)", n,
                    m.pool("http_client_requests_total", POOL));
            expect(problems, "/metrics http_client_connections_created_total (== connections the server side accepted)",
                    connections, m.pool("http_client_connections_created_total", POOL));
            expect(problems, "/metrics http_client_tls_handshakes_total (== HTTPS connections accepted, no tunnels)",
                    https.accepted(), m.pool("http_client_tls_handshakes_total", POOL));
            expect(problems, "/metrics http_client_pool_leased", 0, m.pool("http_client_pool_leased", POOL));
            expect(problems, "/metrics http_client_pool_pending", 0, m.pool("http_client_pool_pending", POOL));
            expect(problems, "/metrics http_client_pool_max", MAX, m.pool("http_client_pool_max", POOL));
            expect(problems, "/metrics http_client_pool_available (== connections open at the server)", open,
                    m.pool("http_client_pool_available", POOL));
            expect(problems, "/metrics http_client_pool_recreations_total", 0, m.pool("http_client_pool_recreations_total", POOL));
            expect(problems, "/metrics http_client_pool_leaks_total", 0, m.pool("http_client_pool_leaks_total", POOL));
            for (String kind : new String[] {"connect", "tls", "pool_timeout", "io", "fatal"}) {
                expect(problems, "/metrics http_client_errors_total{kind=" + kind + "}", 0,
                        m.pool("http_client_errors_total", POOL, "kind", kind));
            }
            expect(problems, "/metrics http_client_pool_state{state=healthy}", 1, m.pool("http_client_pool_state", POOL, "state", "healthy"));
            expect(problems, "/metrics http_client_pool_state{state=unhealthy}", 0, m.pool("http_client_pool_state", POOL, "state", "unhealthy"));
            expect(problems, "/metrics http_pool_agent_suppressed_errors_total", 0, (long) m.value("http_pool_agent_suppressed_errors_total"));

            // JMX reads the same figures
            String mbean = AgentMBeans.pool(POOL);
            expect(problems, "JMX Requests", n, jmx(app, mbean, "Requests"));
            expect(problems, "JMX ConnectionsCreated", connections, jmx(app, mbean, "ConnectionsCreated"));
            expect(problems, "JMX TlsHandshakes", https.accepted(), jmx(app, mbean, "TlsHandshakes"));
            expect(problems, "JMX Leased", 0, jmx(app, mbean, "Leased"));
            expect(problems, "JMX Available", open, jmx(app, mbean, "Available"));
            expect(problems, "JMX Pending", 0, jmx(app, mbean, "Pending"));
            expect(problems, "JMX Max", MAX, jmx(app, mbean, "Max"));
            expect(problems, "JMX Recreations", 0, jmx(app, mbean, "Recreations"));
            expect(problems, "JMX Leaks", 0, jmx(app, mbean, "Leaks"));
            expect(problems, "JMX State", "HEALTHY", jmx(app, mbean, "State"));
            expect(problems, "JMX Open", "true", jmx(app, mbean, "Open"));
            expect(problems, "JMX Name", POOL, jmx(app, mbean, "Name"));
            expect(problems, "JMX Agent PoolingEnabled", "true", jmx(app, AgentMBeans.AGENT, "PoolingEnabled"));
            expect(problems, "JMX Agent Status", "UP", jmx(app, AgentMBeans.AGENT, "Status"));
            String config = jmx(app, AgentMBeans.AGENT, "Configuration");
            if (!config.contains("HTTP_MAX_CONNECTIONS=" + MAX)) {
                problems.add("JMX Agent Configuration lacks HTTP_MAX_CONNECTIONS=" + MAX + ": " + config);
            }
            assertEquals(List.of(), problems, "figures that do not match what the server side counted\n" + report);

            // anything else: 404
            for (String path : new String[] {"/", "/nope", "/healthz", "/metrics/extra", "/health/x"}) {
                assertEquals(404, status.get(path).status, "GET " + path);
            }
            assertEquals(404, status.request("POST", "/health").status, "POST /health");
            assertEquals(404, status.request("DELETE", "/metrics").status, "DELETE /metrics");

            AgentLog.assertPoolingOn(app.stderr(), app.describe());
            assertTrue(!AgentLog.lines(app.stderr(), AgentLog.TAG, "Pool " + POOL + ": HEALTHY, leased/available/pending/max").isEmpty(),
                    "the health summary line is logged\n" + app.describe());
        }
    }

    private static void expect(List<String> problems, String what, Object expected, Object actual) {
        if (!String.valueOf(expected).equals(String.valueOf(actual))) {
            problems.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    private static String jmx(JvmRunner.Interactive app, String mbean, String attribute) {
        String value = AgentMBeans.await(app, mbean, attribute, java.time.Duration.ofSeconds(5));
        if (value == null) {
            throw new AssertionError("JMX " + mbean + " " + attribute + ": no such MBean or attribute\n" + app.describe());
        }
        return value;
    }
}
