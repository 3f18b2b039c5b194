package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.SecurityApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * The bound on custom setups (README, "What stays as it was"): at most 16 distinct custom connection
 * setups get a pool per class loader; an application that builds a new {@code SSLContext} per request
 * keeps its per-request behaviour beyond that, and one log line says so. Each setup here is used by two
 * per-request clients: within the first 16 setups the two share a pooled connection, beyond them each
 * request opens its own (counted at the server), every request succeeds, and the line
 * "More than 16 distinct connection setups" comes exactly once. Baseline without the agent: a connection
 * per request. Control: one {@code SSLContext} shared by 20 per-request clients reuses one connection.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SetupLimitIT extends UpstreamTest {

    static final String LINE = "More than 16 distinct connection setups";

    @Test
    void beyondSixteenSetupsEachRequestOpensItsOwnConnectionAndOneLineSaysSo() {
        CountingForwarder counter = upstream.newCounter(true);
        String url = Upstream.baseOf(counter, true) + "/ok";

        counter.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).name("setups").start()) {
            expectOk(app, "SETUPS 16 2 " + url, 32);
            assertEquals(32, counter.accepted(), "baseline without the agent: a connection per request\n" + app.describe());
        }

        assertTrue(counter.awaitNoneOpen(10_000), "connections of the run without the agent closed");
        counter.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).withAgent().name("setups").start()) {
            expectOk(app, "SETUPS 16 2 " + url, 32);
            int first16 = counter.accepted();
            assertEquals(16, first16, "the first 16 setups are pooled: their two requests each share one connection\n" + app.describe());
            assertEquals(List.of(), AgentLog.lines(app.stderr(), AgentLog.TAG, LINE), "16 setups are within the bound");

            expectOk(app, "SETUPS 8 2 " + url, 16);
            assertEquals(16, counter.accepted() - first16, "setups 17 to 24 are not pooled: each of their 16 requests opens its own"
                    + " connection, as without the agent\n" + app.describe());
            expectOk(app, "SETUPS 4 2 " + url, 8);
            assertEquals(16 + 16 + 8, counter.accepted(), "setups 25 to 28: a connection per request too\n" + app.describe());

            AgentLog.assertPoolingOn(app.stderr(), app.describe());
            List<String> lines = AgentLog.lines(app.stderr(), AgentLog.TAG, LINE);
            assertEquals(1, lines.size(), "exactly one '" + LINE + "' line\n" + app.describe());
        }
    }

    @Test
    void controlOneSslContextForEveryRequestIsPooled() {
        CountingForwarder counter = upstream.newCounter(true);
        String url = Upstream.baseOf(counter, true) + "/ok";
        counter.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).withAgent().name("setups-shared").start()) {
            expectOk(app, "SHAREDCTX 20 " + url, 20);
            assertEquals(1, counter.accepted(), "20 per-request clients on one SSLContext share one connection\n" + app.describe());
            assertEquals(List.of(), AgentLog.lines(app.stderr(), AgentLog.TAG, LINE));
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }

    private static void expectOk(JvmRunner.Interactive app, String command, int requests) {
        JvmRunner.Outcome o = app.send(command);
        if (!o.ok || !o.body.equals("ok=" + requests)) {
            throw new AssertionError(command + " -> " + o + " (expected ok=" + requests + ")\n" + app.describe());
        }
    }
}
