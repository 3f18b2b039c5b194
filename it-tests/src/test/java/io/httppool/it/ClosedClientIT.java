package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.StatusEndpoint;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue 14: closing a client releases the connections it still holds, at once. The habit:
 * {@code try (client) { return client.execute(get).getCode(); }}: the client is closed, the response
 * neither read nor closed. Without the agent that closes the client's pool and the connection with it;
 * with the agent the shared pool stays, but that client's connections are closed just the same: no
 * leak, no exhausted pool, no wait for the garbage collector.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClosedClientIT extends UpstreamTest {

    static final int REQUESTS = 2000;
    static final int MAX = 10;


    private static JvmRunner habit(boolean agent, String base, int threads) {
        return JvmRunner.app(LoadApp.class).agent(agent).name("closed-client")
                .args("modes=default", "bases=" + base, "paths=/big", "unclosed=true",
                        "requests=" + REQUESTS, "threads=" + threads)
                .timeout(Duration.ofMinutes(2));
    }

    @Test
    void closingTheClientClosesItsConnectionAtOnceAsWithoutTheAgent() throws Exception {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);

        upstream.reset();
        RunResult without = habit(false, base, 4).run();
        RunResult.Summary plain = without.summary();
        assertEquals(String.valueOf(REQUESTS), plain.get("successes"), without.describe());
        int acceptedWithout = counter.accepted();
        assertTrue(counter.awaitNoneOpen(10_000), "without the agent each close() closed its connection");

        upstream.reset();
        RunResult with = habit(true, base, 4)
                .env("HTTP_MAX_CONNECTIONS", String.valueOf(MAX))
                .env("HTTP_POOL_ON_EXHAUSTED", "wait")
                .env("HTTP_POOL_TIMEOUT", "2")
                .run();
        RunResult.Summary pooled = with.summary();
        AgentLog.assertPoolingOn(with);
        String story = "without: " + plain + " (" + acceptedWithout + " connections)\nwith: " + pooled + " ("
                + counter.accepted() + " connections, at most " + counter.maxOpen() + " open)\n" + with.describe();
        assertEquals(String.valueOf(REQUESTS), pooled.get("successes"), "every request succeeds, and no pool wait fails"
                + " even with HTTP_MAX_CONNECTIONS=" + MAX + " and the strict limit\n" + story);
        assertTrue(counter.maxOpen() <= MAX, "never more than the limit open: each closed client gave its connection back at once\n" + story);
        assertTrue(counter.awaitNoneOpen(10_000), "the server saw every such connection closed\n" + story);
        assertTrue(AgentLog.lines(with.stderr, "[http-pool-agent]", "Connection leak").isEmpty(), "a closed client is not a leak\n" + story);
        long elapsedWith = Long.parseLong(pooled.get("elapsedMs"));
        long elapsedWithout = Long.parseLong(plain.get("elapsedMs"));
        // Not a benchmark: only that the agent no longer waits for the garbage collector (3.1x slower before).
        assertTrue(elapsedWith <= elapsedWithout * 1.6 + 1_000, "about as fast as without the agent: " + elapsedWith
                + " ms against " + elapsedWithout + " ms\n" + story);
    }

    /**
     * A default client's requests after its close() fail as without the agent ("Connection pool shut down"),
     * while a client made after it works; and one client's close never fails another's request.
     */
    @Test
    void aClosedDefaultClientRefusesRequestsAsWithoutTheAgentAndOthersGoOn() {
        String base = upstream.http();
        List<String> without = useAfterClose(false, base);
        List<String> with = useAfterClose(true, base);
        assertTrue(without.get(2).startsWith("ERR java.lang.IllegalStateException"), "control: without the agent a closed client fails: " + without);
        assertEquals(without, with, "the same answers with the agent as without");
    }

    /** Answers of: a request on a client, its close, a request on it again, a request on another client kept open. */
    private static List<String> useAfterClose(boolean agent, String base) {
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent).name("use-after-close").start()) {
            app.send("OPEN a default");
            app.send("OPEN b default");
            String first = app.send("USE a GET " + base + "/ok").line;
            String closed = app.send("CLOSE a").line;
            String again = app.send("USE a GET " + base + "/ok").line;
            String other = app.send("USE b GET " + base + "/ok").line;
            return List.of(first, closed, again, other);
        }
    }

    @Test
    void aResponseReadAfterItsClientWasClosedFailsAsWithoutTheAgent() {
        String base = upstream.http();
        JvmRunner.Outcome without;
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).name("read-after-close").start()) {
            without = app.send("AFTERCLOSE default " + base + "/big");
        }
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("read-after-close")
                .env("HTTP_POOL_STATUS_PORT", "0").start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            JvmRunner.Outcome with = app.send("AFTERCLOSE default " + base + "/big");
            assertTrue(!without.ok, "without the agent reading after close() fails: " + without);
            assertEquals(without.ok, with.ok, "with: " + with + ", without: " + without);
            assertEquals(without.errorClass, with.errorClass, "the same failure: " + with + ", without: " + without);
            JvmRunner.Outcome next = app.send("REQ default GET " + base + "/ok");
            assertTrue(next.ok, "the shared pool still serves: " + next + "\n" + app.describe());
            StatusEndpoint.Metrics metrics = status.metrics();
            assertEquals(1, metrics.pool("http_client_pool_released_on_close_total", "apache5/default"), metrics.toString());
            assertEquals(0, metrics.pool("http_client_pool_leased", "apache5/default"), metrics.toString());
            assertEquals(0, metrics.pool("http_client_pool_leaks_total", "apache5/default"), metrics.toString());
        }
    }

    @Test
    void aCloseStormWithUnreadResponsesLeavesNoConnectionLeased() throws Exception {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        upstream.reset();
        RunResult storm = JvmRunner.app(LoadApp.class).withAgent().name("close-storm-unread")
                .args("modes=default", "bases=" + base, "paths=/big", "unclosed=true", "requests=1280", "threads=64")
                .timeout(Duration.ofMinutes(2))
                .run();
        RunResult.Summary s = storm.summary();
        assertEquals("1280", s.get("successes"), storm.describe());
        assertTrue(counter.awaitNoneOpen(10_000), "no connection left open (leased) after 64 threads closed clients"
                + " over unread responses: " + counter.open() + " open\n" + storm.describe());
        List<String> leaks = AgentLog.lines(storm.stderr, "[http-pool-agent]", "Connection leak");
        assertTrue(leaks.isEmpty(), "nothing reported as a leak: " + leaks);
    }
}
