package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.SecurityApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.ConnectionIdServer;
import io.httppool.it.harness.JvmRunner;

/**
 * Idle connections after load falls (README, "A full pool" and "Health checks"): 16 threads of per-request
 * clients open about 16 pooled connections, then stop. With {@code HTTP_MAX_KEEPALIVE_CONNECTIONS=3} the
 * connections still open at the server shrink to 3 once the load's peak is a health interval old (5 s here), but
 * a pause shorter than that between two bursts closes none (the second burst opens no connection); with
 * {@code HTTP_KEEPALIVE_EXPIRY=1} (health checks every 0.5 s) they all close within a few seconds. Control:
 * with a limit of 16 and the default expiry (300 s) they stay open, so the server-side count does see idle
 * pooled connections.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IdleTrimIT {

    static final int THREADS = 16;
    static final int REQUESTS = 20 * THREADS;

    private ConnectionIdServer server;

    @BeforeEach
    void start() {
        server = ConnectionIdServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs the load; returns the connections open at the server right after it. */
    private int load(JvmRunner.Interactive app) {
        JvmRunner.Outcome o = app.send("PAR " + REQUESTS + " " + THREADS + " " + server.base() + "/slow/30");
        int openAfter = server.open();
        assertTrue(o.ok && o.body.startsWith("ok=" + REQUESTS + " "), o + "\n" + app.describe());
        assertTrue(server.maxOpen() >= 8, "premise: " + THREADS + " threads had many connections open at once, the server saw at most "
                + server.maxOpen() + "\n" + app.describe());
        return openAfter;
    }

    private static JvmRunner agentApp(String name) {
        return JvmRunner.app(SecurityApp.class).withAgent().name(name);
    }

    @Test
    void idleConnectionsShrinkToTheKeepAliveLimit() throws InterruptedException {
        try (JvmRunner.Interactive app = agentApp("idle-limit").env("HTTP_MAX_KEEPALIVE_CONNECTIONS", "3")
                .env("HTTP_POOL_HEALTH_INTERVAL", "5").start()) {
            int openAfter = load(app);
            boolean shrunk = server.awaitOpenAtMost(3, 20_000);
            Thread.sleep(1_500); // and it stays there: the limit keeps 3, it does not close them all
            String story = "open right after the load " + openAfter + ", most at once " + server.maxOpen() + ", open now "
                    + server.open() + "\n" + app.describe();
            assertTrue(shrunk, "once the load's peak is a health interval (5 s) old at most HTTP_MAX_KEEPALIVE_CONNECTIONS=3 stay open\n" + story);
            assertEquals(3, server.open(), "the pool keeps 3 idle connections\n" + story);
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }

    @Test
    void aPauseBetweenBurstsClosesNoConnectionTheNextBurstNeeds() throws InterruptedException {
        try (JvmRunner.Interactive app = agentApp("idle-bursts").env("HTTP_MAX_KEEPALIVE_CONNECTIONS", "3")
                .env("HTTP_POOL_HEALTH_INTERVAL", "10").start()) {
            load(app);
            int afterFirst = server.accepted();
            Thread.sleep(3_000); // idle longer than a second, beyond the limit of 3: the old rule closed them, the window keeps them
            int openBeforeSecond = server.open();
            load(app);
            String story = "accepted after the first burst " + afterFirst + ", open after the pause " + openBeforeSecond
                    + ", accepted after the second burst " + server.accepted() + ", most at once " + server.maxOpen() + "\n" + app.describe();
            assertTrue(openBeforeSecond > 3, "the pause kept the connections the burst used\n" + story);
            assertTrue(server.accepted() <= afterFirst + 2, "the second burst reused the first one's connections\n" + story);
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }

    @Test
    void idleConnectionsExpireAfterTheKeepAliveExpiry() {
        try (JvmRunner.Interactive app = agentApp("idle-expiry")
                .env("HTTP_MAX_KEEPALIVE_CONNECTIONS", "16")
                .env("HTTP_KEEPALIVE_EXPIRY", "1")
                .env("HTTP_POOL_HEALTH_INTERVAL", "0.5")
                .start()) {
            int openAfter = load(app);
            boolean closed = server.awaitOpenAtMost(0, 8_000);
            assertTrue(closed, "with HTTP_KEEPALIVE_EXPIRY=1 every idle connection closes within a few seconds: open right after the load "
                    + openAfter + ", most at once " + server.maxOpen() + ", open now " + server.open() + "\n" + app.describe());
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }

    @Test
    void controlWithALimitOfSixteenAndTheDefaultExpiryTheyStayOpen() throws InterruptedException {
        try (JvmRunner.Interactive app = agentApp("idle-control")
                .env("HTTP_MAX_KEEPALIVE_CONNECTIONS", "16")
                .env("HTTP_POOL_HEALTH_INTERVAL", "0.5")
                .start()) {
            load(app);
            int kept = server.accepted();
            Thread.sleep(4_000);
            String story = "accepted " + kept + ", most at once " + server.maxOpen() + ", open after 4 s " + server.open()
                    + "\n" + app.describe();
            assertTrue(kept >= 8 && kept <= THREADS, "premise: about one connection per thread\n" + story);
            assertEquals(kept, server.open(), "every pooled connection is still open, idle, at the server\n" + story);
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }
}
