package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue 9, item 3: a burst that fills the pool while its connections are still being opened does not open
 * connections beyond HTTP_MAX_CONNECTIONS. 8 requests at once over HTTPS with {@code HTTP_MAX_CONNECTIONS=4},
 * through a forwarder that holds every new connection's TLS handshake for 150 ms (a far server, or a cold JVM's
 * first handshakes): the 4 requests without a place wait while the 4 connections are being opened, then take
 * their places, and the server sees 4 connections. Before this rule each waiter went ahead on an extra
 * connection after 50 ms without a release: 8 connections. Control: without the agent every request opens its
 * own (8), and every request succeeds either way.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SlowHandshakeBurstIT extends UpstreamTest {

    static final int LIMIT = 4;
    static final int BURST = 2 * LIMIT;

    private static JvmRunner app(boolean agent) {
        return JvmRunner.app(io.httppool.it.apps.InteractiveApp.class).agent(agent).name("slow-handshake-burst")
                .env("HTTP_MAX_CONNECTIONS", String.valueOf(LIMIT));
    }

    /** Warms the JVM's TLS on another route, then sends the burst; returns the connections the slow server accepted. */
    private static int burst(JvmRunner.Interactive app, CountingForwarder warm, CountingForwarder slow) {
        JvmRunner.Outcome warmed = app.send("PAR 2 2 default " + Upstream.baseOf(warm, true) + "/ok");
        assertTrue(warmed.ok, warmed + "\n" + app.describe());
        JvmRunner.Outcome o = app.send("PAR " + BURST + " " + BURST + " default " + Upstream.baseOf(slow, true) + "/ok");
        assertTrue(o.ok && o.body.startsWith("ok=" + BURST), "every request of the burst succeeds: " + o + "\n" + app.describe());
        return slow.accepted();
    }

    @Test
    void requestsWaitForConnectionsBeingOpenedInsteadOfOpeningMore() throws Exception {
        CountingForwarder warm = upstream.newCounter(true);
        CountingForwarder slow = upstream.newCounter(true);
        slow.firstBytesDelayMillis(150);

        int without;
        try (JvmRunner.Interactive app = app(false).start()) {
            without = burst(app, warm, slow);
        }
        assertTrue(without == BURST, "control: without the agent each request opens its own connection: " + without);

        slow.awaitNoneOpen(5_000);
        slow.reset();
        try (JvmRunner.Interactive app = app(true).start()) {
            int with = burst(app, warm, slow);
            String story = "with the agent the slow server accepted " + with + " connections (without: " + without + ")\n"
                    + app.describe();
            assertTrue(with <= LIMIT + 1, "the waiting requests used the connections being opened, not new ones\n" + story);
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }
}
