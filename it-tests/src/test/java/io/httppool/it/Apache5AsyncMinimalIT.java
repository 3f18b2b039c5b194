package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.AsyncOwnResponseApp;
import io.httppool.it.apps.LoadApp;
import io.httppool.it.apps.MinimalCloseApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue #8: {@code HttpAsyncClients.createMinimal()} (and {@code createHttp2Minimal()}) per request. Under the
 * agent every such call returns one shared minimal client per class loader, whose reactor threads and
 * connections serve them all; one caller's close never stops it. Each check has its run without the agent.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class Apache5AsyncMinimalIT extends UpstreamTest {

    static final int THREADS = 8;
    static final int REQUESTS = 400;

    /** createMinimal(); start(); execute(GET).get(); close() per request on 8 threads. */
    @Test
    void minimalClientsPerRequestShareConnectionsAndReactorThreads() {
        CountingForwarder counter = upstream.newCounter(false);
        String[] args = {"library=apache5-async", "modes=minimal", "bases=" + Upstream.baseOf(counter, false), "paths=/ok",
                "requests=" + REQUESTS, "threads=" + THREADS};
        RunResult with = JvmRunner.app(LoadApp.class).withAgent().name("async-minimal").args(args).timeout(Duration.ofMinutes(3)).run();
        long connectionsWith = counter.accepted();
        AgentLog.assertPoolingOn(with);
        String story = connectionsWith + " connections\n" + with.describe();
        assertEquals(REQUESTS, with.summary().successes(), story);
        assertTrue(connectionsWith <= THREADS + 4, "connections shared: " + story);
        int threadsWith = with.summary().getInt("liveThreads");
        assertTrue(threadsWith < 64, "reactor threads shared: " + threadsWith + "\n" + story);
        assertEquals(1, AgentLog.lines(with.stderr, "Created managed pool apache5-async/minimal ").size(), story);

        counter.reset();
        RunResult without = JvmRunner.app(LoadApp.class).name("async-minimal").args(args).timeout(Duration.ofMinutes(3)).run();
        long connectionsWithout = counter.accepted();
        assertEquals(REQUESTS, without.summary().successes(), without.describe());
        assertTrue(connectionsWithout >= REQUESTS * 9 / 10, "control: without the agent a connection per client: "
                + connectionsWithout + "\n" + without.describe());
        System.out.printf("async createMinimal() per request, %d requests on %d threads: %d connections and %d live threads"
                        + " with the agent, %d connections and %d live threads without%n", REQUESTS, THREADS, connectionsWith,
                threadsWith, connectionsWithout, without.summary().getInt("liveThreads"));
    }

    /** 800 minimal clients, 64 requests in flight at once, on one shared client: each future and callback gets its own answer. */
    @Test
    void everyRequestOfASharedMinimalClientCompletesOnlyItsOwnFutureAndCallback() {
        String[] args = {"base=" + upstream.http(), "requests=800", "threads=" + THREADS, "burst=8", "habit=minimal"};
        RunResult with = JvmRunner.app(AsyncOwnResponseApp.class).withAgent().name("async-minimal-own-response").args(args)
                .timeout(Duration.ofMinutes(3)).run();
        AgentLog.assertPoolingOn(with);
        assertEquals(0, with.summary().getInt("mismatches"), "a response, future or callback of another request\n" + with.describe());
        assertEquals(800, with.summary().successes(), with.describe());
        assertTrue(with.summary().getInt("liveThreads") < 64, with.describe());

        RunResult without = JvmRunner.app(AsyncOwnResponseApp.class).name("async-minimal-own-response")
                .args("base=" + upstream.http(), "requests=200", "threads=" + THREADS, "burst=8", "habit=minimal")
                .timeout(Duration.ofMinutes(3)).run();
        assertEquals(200, without.summary().successes(), "premise: the app checks what the library does\n" + without.describe());
    }

    /** Minimal clients never closed: without the agent each keeps its reactor threads; with it, the shared one's only. */
    @Test
    void unclosedMinimalClientsLeaveNoThreadsBehind() {
        Apache5AsyncIT.assertUnclosedClientsLeaveNoThreadsBehind(upstream, "minimal-unclosed", "async unclosed createMinimal() clients");
    }

    /**
     * close(), close(IMMEDIATE), initiateShutdown()+awaitShutdown() of other minimal clients while one's request
     * is in flight: it completes, with the agent (one shared client) as without it (a client each).
     */
    @Test
    void closingOneMinimalClientLeavesAnothersRequestInFlight() {
        String base = upstream.http();
        RunResult without = JvmRunner.app(MinimalCloseApp.class).name("async-minimal-close").args("base=" + base).run();
        RunResult with = JvmRunner.app(MinimalCloseApp.class).withAgent().name("async-minimal-close").args("base=" + base).run();
        AgentLog.assertPoolingOn(with);
        for (RunResult run : new RunResult[] {without, with}) {
            assertTrue(run.stdout.contains("INFLIGHT OK 200"), "the request in flight completes\n" + run.describe());
            assertTrue(run.stdout.contains("CLOSED B OK 200") && run.stdout.contains("CLOSED C OK 200")
                    && run.stdout.contains("CLOSED D OK 200"), run.describe());
            assertTrue(run.stdout.contains("AFTER OK 200"), "a client created after the closes works\n" + run.describe());
        }
        assertTrue(with.stdout.contains("SAME true"), "premise: with the agent the clients are one object\n" + with.describe());
        assertTrue(without.stdout.contains("SAME false"), without.describe());
        assertEquals(0, AgentLog.lines(with.stderr, "Internal error").size(),
                with.describe());
    }

    /** HTTP_POOL_APACHE5_ASYNC_ENABLED=false: createMinimal() per request opens a connection per request again. */
    @Test
    void theLibraryToggleLeavesMinimalClientsToTheLibrary() {
        CountingForwarder counter = upstream.newCounter(false);
        RunResult off = JvmRunner.app(LoadApp.class).withAgent().env("HTTP_POOL_APACHE5_ASYNC_ENABLED", "false")
                .name("async-minimal-toggle").args("library=apache5-async", "modes=minimal", "bases=" + Upstream.baseOf(counter, false),
                        "paths=/ok", "requests=200", "threads=" + THREADS)
                .timeout(Duration.ofMinutes(3)).run();
        String story = counter.accepted() + " connections\n" + off.describe();
        assertEquals(200, off.summary().successes(), story);
        assertTrue(counter.accepted() >= 180, "a connection per client, as without the agent: " + story);
        assertTrue(AgentLog.lines(off.stderr, "Created managed pool apache5-async/minimal").isEmpty(), story);
    }

    /** createHttp2Minimal() per request, over TLS (ALPN) and clear text: a few multiplexed connections with the agent. */
    @Test
    void http2MinimalClientsPerRequestShareConnectionsAndThreads() {
        try (Upstream h2 = Upstream.startWithHttp2()) {
            CountingForwarder tls = h2.newCounter(true);
            CountingForwarder clear = h2.newCounter(false);
            String runs = "runs=h2-minimal@" + Upstream.baseOf(tls, true) + ",h2-minimal@" + Upstream.baseOf(clear, false);
            RunResult with = JvmRunner.app(LoadApp.class).withAgent().name("async-h2-minimal")
                    .args("library=apache5-async", runs, "paths=/ok", "requests=300", "threads=" + THREADS)
                    .timeout(Duration.ofMinutes(3)).run();
            AgentLog.assertPoolingOn(with);
            String story = tls.accepted() + " TLS, " + clear.accepted() + " clear-text connections\n" + with.describe();
            assertEquals(2, with.summaries().size(), story);
            for (RunResult.Summary s : with.summaries()) {
                assertEquals(300, s.successes(), story);
                assertTrue(s.getInt("liveThreads") < 64, "live threads: " + s.get("liveThreads") + "\n" + story);
            }
            assertTrue(tls.accepted() <= 4 && clear.accepted() <= 4, "HTTP/2 multiplexes: a few connections\n" + story);

            RunResult without = JvmRunner.app(LoadApp.class).name("async-h2-minimal")
                    .args("library=apache5-async", runs, "paths=/ok", "requests=100", "threads=" + THREADS)
                    .timeout(Duration.ofMinutes(3)).run();
            for (RunResult.Summary s : without.summaries()) {
                assertEquals(100, s.successes(), without.describe());
            }
            assertTrue(tls.accepted() >= 4 + 75 && clear.accepted() >= 4 + 75, "control: without the agent a connection per"
                    + " client: " + tls.accepted() + " TLS, " + clear.accepted() + " clear-text\n" + without.describe());
        }
    }
}
