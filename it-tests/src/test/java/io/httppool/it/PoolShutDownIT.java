package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * README "States and rules", UNHEALTHY on a real pool: the managed pool is shut down from outside the agent
 * (InteractiveApp's {@code SHUTDOWNPOOL}: the manager's private {@code closed} flag set and its pool closed,
 * bypassing the close() the agent ignores). Requests then fail with HttpClient's own "Connection pool shut
 * down" (the control: the shutdown is real, and the agent did not paper over it between checks). The next
 * health check logs the WARN, recreates the pool and reports it DEGRADED "recreated, was shut down" (so
 * /health stays 200 UP); shut down again before the check after, it is UNHEALTHY "(again after the last
 * recreation)": /health 503 DOWN; the check after that finds the pool it recreated open: HEALTHY, 200.
 * After each recovery requests succeed, counted at the server.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PoolShutDownIT extends UpstreamTest {

    static final String POOL = "apache5/default";
    /** Long enough that a shutdown sent right after one check reliably comes before the next one. */
    static final String HEALTH_INTERVAL = "2";
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String RECREATING = "Health check: pool " + POOL + " is UNHEALTHY (shut down); recreating it";

    @Test
    void aPoolShutDownBehindTheAgentsBackIsRecreatedAndAPoolThatKeepsGoingDownIsReportedDown() {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        String get = "REQ default GET " + base + "/ok";
        upstream.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("pool-shutdown")
                .env("HTTP_POOL_STATUS_PORT", "0")
                .env("HTTP_POOL_HEALTH_INTERVAL", HEALTH_INTERVAL)
                .start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            List<String> story = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                assertTrue(app.send(get).ok, app.describe());
            }
            StatusEndpoint.Health healthy = status.awaitPoolState(POOL, "HEALTHY", WAIT);
            assertEquals("HEALTHY", healthy.pool(POOL).get("state"), "before the shutdown\n" + healthy + "\n" + app.describe());
            assertEquals(1, counter.accepted(), "premise: two sequential requests on one pooled connection\n" + app.describe());
            assertEquals(1, counter.open(), "premise: that connection is kept open\n" + app.describe());

            // ---- first shutdown, right after a check: requests fail until the next check recreates the pool
            StatusEndpoint.Health before = awaitNextCheck(status, app);
            JvmRunner.Outcome shut1 = app.send("SHUTDOWNPOOL");
            JvmRunner.Outcome down1 = app.send(get);
            String lastCheck = status.health().pool(POOL).get("last_check");
            story.add("shut down: " + shut1 + "; a request then: " + down1);
            String report = String.join("\n", story) + "\n" + app.describe();
            assertTrue(shut1.ok && shut1.body.endsWith(" closed"), report);
            assertEquals(before.pool(POOL).get("last_check"), lastCheck,
                    "precondition: no health check ran between the shutdown and the request after it\n" + report);
            assertTrue(!down1.ok && down1.errorClass.equals("java.lang.IllegalStateException")
                    && down1.errorMessage.contains("Connection pool shut down"), "control: with the pool shut down (and no check"
                    + " since), a request fails with HttpClient's own 'Connection pool shut down', so the shutdown was real\n" + report);
            assertTrue(counter.awaitNoneOpen(5000), "the shut-down pool's connection is closed at the server side\n" + report);

            List<String> warns = AgentLog.await(app::stderr, WAIT, AgentLog.TAG, RECREATING);
            assertEquals(1, warns.size(), "the next check logs '" + RECREATING + "'\n" + report);
            assertTrue(warns.get(0).contains(" WARN "), warns.get(0));
            StatusEndpoint.Health recreated = awaitReason(status, "recreated, was shut down", WAIT);
            Map<String, String> p = recreated.pool(POOL);
            story.add("/health after the check: " + recreated.reply.status + " " + recreated.status() + " " + p.get("state") + " (" + p.get("reason") + ")");
            report = String.join("\n", story) + "\n" + app.describe();
            assertEquals("DEGRADED", p.get("state"), report);
            assertEquals("recreated, was shut down", p.get("reason"), report);
            assertEquals(200, recreated.reply.status, "a pool recovered in the same check is no reason for DOWN\n" + report);
            assertEquals("UP", recreated.status(), report);

            int served = upstream.requestsTo("/ok").size();
            JvmRunner.Outcome up1 = app.send(get);
            story.add("a request after the recreation: " + up1 + ", connections accepted " + counter.accepted());
            report = String.join("\n", story) + "\n" + app.describe();
            assertTrue(up1.ok && "ok".equals(up1.body), "requests succeed on the recreated pool\n" + report);
            assertEquals(served + 1, upstream.requestsTo("/ok").size(), "WireMock received it\n" + report);
            assertEquals(2, counter.accepted(), "on a new connection of the fresh pool\n" + report);

            // ---- second shutdown, before the next check: recreating did not help, DOWN
            JvmRunner.Outcome shut2 = app.send("SHUTDOWNPOOL");
            JvmRunner.Outcome down2 = app.send(get);
            String checkAfterShut2 = status.health().pool(POOL).get("last_check");
            story.add("shut down again: " + shut2 + "; a request then: " + down2);
            report = String.join("\n", story) + "\n" + app.describe();
            assertTrue(shut2.ok && shut2.body.endsWith(" closed"), report);
            assertNotEquals(shut1.body, shut2.body, "the second shutdown hits the recreated manager\n" + report);
            assertEquals(p.get("last_check"), checkAfterShut2,
                    "precondition: the second shutdown came before the next check\n" + report);
            assertTrue(!down2.ok && down2.errorMessage.contains("Connection pool shut down"), report);

            StatusEndpoint.Health down = status.awaitPoolState(POOL, "UNHEALTHY", WAIT);
            p = down.pool(POOL);
            story.add("/health after the next check: " + down.reply.status + " " + down.status() + " " + p.get("state") + " (" + p.get("reason") + ")");
            report = String.join("\n", story) + "\n" + app.describe();
            assertEquals("UNHEALTHY", p.get("state"), report);
            assertEquals("shut down (again after the last recreation)", p.get("reason"), report);
            assertEquals(503, down.reply.status, "/health answers 503 while a pool is UNHEALTHY\n" + report);
            assertEquals("DOWN", down.status(), report);
            assertEquals(2, AgentLog.lines(app.stderr(), AgentLog.TAG, RECREATING).size(),
                    "that check recreated the pool again (and said so)\n" + report);

            // ---- the check after that finds the pool it recreated open
            StatusEndpoint.Health back = status.awaitPoolState(POOL, "HEALTHY", WAIT);
            p = back.pool(POOL);
            story.add("/health after the check after: " + back.reply.status + " " + back.status() + " " + p.get("state") + " (" + p.get("reason") + ")");
            report = String.join("\n", story) + "\n" + app.describe();
            assertEquals("HEALTHY", p.get("state"), report);
            assertEquals(200, back.reply.status, report);
            assertEquals("UP", back.status(), report);
            served = upstream.requestsTo("/ok").size();
            int accepted = counter.accepted();
            for (int i = 0; i < 3; i++) {
                JvmRunner.Outcome o = app.send(get);
                assertTrue(o.ok && "ok".equals(o.body), "requests succeed after the second recovery: " + o + "\n" + report);
            }
            assertEquals(served + 3, upstream.requestsTo("/ok").size(), report);
            assertEquals(accepted + 1, counter.accepted(), "on one new connection of the pool recreated last\n" + report);

            StatusEndpoint.Metrics m = status.metrics();
            assertEquals(2, m.pool("http_client_pool_recreations_total", POOL), m.text);
            assertEquals("2", AgentMBeans.await(app, AgentMBeans.pool(POOL), "Recreations", Duration.ofSeconds(5)), app.describe());
            assertEquals(0, (long) m.value("http_pool_agent_suppressed_errors_total"), m.text);
            System.out.println("pool shut down behind the agent's back\n" + String.join("\n", story));
        }
    }

    /** Waits for a health check to complete (the pool's last_check changes) and returns /health right after it. */
    static StatusEndpoint.Health awaitNextCheck(StatusEndpoint status, JvmRunner.Interactive app) {
        String last = status.health().pool(POOL).get("last_check");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            StatusEndpoint.Health h = status.health();
            String now = h.pool(POOL).get("last_check");
            if (now != null && !"null".equals(now) && !now.equals(last)) {
                return h;
            }
            RecoveryIT.sleep(20);
        }
        throw new AssertionError("no health check of " + POOL + " within " + WAIT + "\n" + app.describe());
    }

    /** Polls /health until the pool's reason is {@code reason}; returns the last reply read. */
    static StatusEndpoint.Health awaitReason(StatusEndpoint status, String reason, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        StatusEndpoint.Health h;
        do {
            h = status.health();
            if (reason.equals(h.pool(POOL).get("reason"))) {
                return h;
            }
            RecoveryIT.sleep(20);
        } while (System.nanoTime() < deadline);
        return h;
    }
}
