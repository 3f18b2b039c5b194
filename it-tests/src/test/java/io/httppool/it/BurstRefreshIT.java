package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.SecurityApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.ConnectionIdServer;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.StatusEndpoint;

/**
 * Error-triggered refresh (README, "Stale connections"): a burst of 3 connection-level failures to one host
 * within a second closes that host's idle pooled connections at once. A pool is warmed to N idle
 * connections to one server (N requests at once; the server counts N open). Then two GETs to a path where
 * the server resets the connection: HttpClient retries each once, so 4 failures within milliseconds, which
 * use up at most 4 of the N. The server then sees every connection closed, and
 * {@code http_client_pool_refreshes_total} went up. Control: the same kind of failures spread out (a GET,
 * i.e. 2 failures, every 1.5 s, three times) close only the connections they used; the others stay open
 * and no refresh is counted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BurstRefreshIT {

    static final String POOL = "apache5/default";
    static final int WARM = 10;

    private ConnectionIdServer server;
    private ConnectionIdServer warmup;

    @BeforeEach
    void start() {
        server = ConnectionIdServer.start();
        warmup = ConnectionIdServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
        warmup.close();
    }

    /** Starts the app, warms the failure path on another host, then fills the pool with idle connections to {@link #server}. */
    private JvmRunner.Interactive startWarm(String name) {
        JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).withAgent().name(name)
                .env("HTTP_POOL_STATUS_PORT", "0")
                .start();
        // the failure path's classes loaded and compiled a little, on another route (2 failures: no burst)
        JvmRunner.Outcome w = app.send("GET " + warmup.base() + "/reset");
        assertTrue(!w.ok, "a reset connection fails the request: " + w + "\n" + app.describe());
        JvmRunner.Outcome fill = app.send("PAR " + WARM + " " + WARM + " " + server.base() + "/slow/3000");
        assertTrue(fill.ok && fill.body.startsWith("ok=" + WARM + " "), fill + "\n" + app.describe());
        return app;
    }

    @Test
    void aBurstOfFailuresClosesTheHostsIdleConnections() {
        try (JvmRunner.Interactive app = startWarm("burst-refresh")) {
            StatusEndpoint status = StatusEndpoint.await(app);
            int idle = server.open();
            assertTrue(idle >= 8 && idle == server.accepted(), "premise: the pool keeps its " + server.accepted()
                    + " connections idle, open at the server: " + idle + "\n" + app.describe());
            long refreshesBefore = status.metrics().pool("http_client_pool_refreshes_total", POOL);

            JvmRunner.Outcome burst = app.send("TIMES 2 " + server.base() + "/reset");
            assertTrue(burst.ok && burst.body.startsWith("ok=0 failed=2 "), burst + "\n" + app.describe());
            int resets = server.resets();
            assertTrue(resets >= 3 && resets <= 4, "2 GETs, each retried once: 3 or 4 failed attempts at the server, got " + resets);

            boolean allClosed = server.awaitOpenAtMost(0, 5_000);
            StatusEndpoint.Metrics metrics = status.metrics();
            String story = "idle before " + idle + ", failed attempts " + resets + ", open now " + server.open()
                    + " (accepted " + server.accepted() + ")\n" + metrics + "\n" + app.describe();
            assertTrue(allClosed, "the burst closed the host's idle connections: at most " + resets + " of the " + idle
                    + " were used up by the failing attempts, the rest must be closed too\n" + story);
            assertTrue(metrics.pool("http_client_pool_refreshes_total", POOL) >= refreshesBefore + 1,
                    "http_client_pool_refreshes_total counts the refresh\n" + story);
            assertEquals(1, AgentLog.lines(app.stderr(), AgentLog.TAG, "burst of connection failures to",
                    ":" + server.port()).size(), "one log line for the refresh of that host\n" + story);
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }

    @Test
    void controlTheSameFailuresSpreadOutLeaveTheOtherIdleConnectionsOpen() throws InterruptedException {
        try (JvmRunner.Interactive app = startWarm("burst-spread")) {
            StatusEndpoint status = StatusEndpoint.await(app);
            int idle = server.open();
            assertTrue(idle >= 8 && idle == server.accepted(), "premise: the pool keeps its " + server.accepted()
                    + " connections idle, open at the server: " + idle + "\n" + app.describe());
            long refreshesBefore = status.metrics().pool("http_client_pool_refreshes_total", POOL);

            for (int i = 0; i < 3; i++) {
                if (i > 0) {
                    Thread.sleep(1_500);
                }
                JvmRunner.Outcome failed = app.send("GET " + server.base() + "/reset");
                assertTrue(!failed.ok, failed + "\n" + app.describe());
            }
            int resets = server.resets();
            Thread.sleep(1_000);
            StatusEndpoint.Metrics metrics = status.metrics();
            String story = "idle before " + idle + ", failed attempts " + resets + ", open now " + server.open()
                    + " (accepted " + server.accepted() + ")\n" + metrics + "\n" + app.describe();
            assertTrue(resets <= 6, story);
            assertEquals(idle - resets, server.open(), "spread-out failures close only the connections they used\n" + story);
            assertEquals(refreshesBefore, metrics.pool("http_client_pool_refreshes_total", POOL), "no refresh\n" + story);
            assertEquals(List.of(), AgentLog.lines(app.stderr(), AgentLog.TAG, "burst of connection failures to",
                    ":" + server.port()), story);
        }
    }
}
