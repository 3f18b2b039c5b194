package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.AsyncExitHookApp;
import io.httppool.it.apps.AsyncLifecycleApp;
import io.httppool.it.apps.AsyncOwnResponseApp;
import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.AgentMBeans;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.StatusEndpoint;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Async HttpClient 5 beyond the shared conformance suite (which runs it as library {@code apache5-async}):
 * each request's future and callback are its own, the clients' life (start, shutdown, close) answers as
 * without the agent, HTTP/2 clients share connections and reactor threads, unclosed clients leave no
 * threads behind, and the pool shows in /health, /metrics and JMX.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class Apache5AsyncIT extends UpstreamTest {

    static final int THREADS = 8;

    /** 800 clients, 64 of them with a request in flight at once: every response echoes its own request's id. */
    @Test
    void everyRequestCompletesOnlyItsOwnFutureAndCallback() {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        upstream.reset();
        RunResult with = JvmRunner.app(AsyncOwnResponseApp.class).withAgent().name("async-own-response")
                .args("base=" + base, "requests=800", "threads=" + THREADS, "burst=8").timeout(Duration.ofMinutes(3)).run();
        AgentLog.assertPoolingOn(with);
        RunResult.Summary s = with.summary();
        String story = counter.accepted() + " connections\n" + with.describe();
        assertEquals(0, s.getInt("mismatches"), "a response, future or callback of another request\n" + story);
        assertEquals(800, s.successes(), story);
        assertTrue(counter.accepted() <= THREADS * 8 + 4, "at most one connection per request in flight: " + story);
        assertTrue(s.getInt("liveThreads") < 64, story);

        RunResult without = JvmRunner.app(AsyncOwnResponseApp.class).name("async-own-response")
                .args("base=" + base, "requests=200", "threads=" + THREADS, "burst=8").timeout(Duration.ofMinutes(3)).run();
        assertEquals(200, without.summary().successes(), "premise: the app checks what the library does\n" + without.describe());
        assertEquals(0, without.summary().getInt("mismatches"), without.describe());
    }

    /**
     * Start, status, initiateShutdown, awaitShutdown, close(GRACEFUL|IMMEDIATE) and requests before, between
     * and after them: the application sees the same statuses and failures with the agent as without it.
     */
    @Test
    void aClientsLifeLooksTheSameWithAndWithoutTheAgent() {
        String[] args = {"url=" + upstream.http() + "/ok", "scenarios=x,sx,sxx,six,siwx,scx,sCx,sxcx,csx,isx,iw,ss,sccx,sxCx"};
        RunResult without = JvmRunner.app(AsyncLifecycleApp.class).name("async-lifecycle").args(args).run();
        RunResult with = JvmRunner.app(AsyncLifecycleApp.class).withAgent().name("async-lifecycle").args(args).run();
        AgentLog.assertPoolingOn(with);
        List<String> a = scenarios(without);
        List<String> b = scenarios(with);
        assertEquals(14, a.size(), without.describe());
        assertTrue(a.get(0).contains("ERR java.util.concurrent.CancellationException: Request execution cancelled"),
                "premise: a request before start() is refused: " + a.get(0));
        assertTrue(a.get(1).contains("OK 200"), "premise: a started client makes requests: " + a.get(1));
        assertEquals(a, b, "with the agent as without it\n" + with.describe());
        assertTrue(AgentLog.lines(with.stderr, "Created managed pool apache5-async/default").size() == 1, with.describe());
    }

    /**
     * At exit the agent stops the shared client's reactor (its threads, waiting in native code, would hold up
     * the JVM's exit by ~300 ms) and puts an unstarted one in its place: an application's shutdown hook that
     * calls out after that still gets its answer, as without the agent.
     */
    @Test
    void aShutdownHookCallingOutAfterTheAgentsHookStillGetsItsAnswer() {
        String[] args = {"url=" + upstream.http() + "/ok"};
        RunResult without = JvmRunner.app(AsyncExitHookApp.class).name("async-exit-hook").args(args).run();
        RunResult with = JvmRunner.app(AsyncExitHookApp.class).withAgent().env("HTTP_POOL_LOG_LEVEL", "debug")
                .name("async-exit-hook").args(args).run();
        for (RunResult run : List.of(without, with)) {
            assertEquals(0, run.exitCode, run.describe());
            assertTrue(run.stdout.contains("MAIN OK 200"), run.describe());
            assertTrue(run.stdout.contains("HOOK OK 200"), "the hook's request after the agent's exit step\n" + run.describe());
        }
        AgentLog.assertPoolingOn(with);
        assertEquals(1, AgentLog.lines(with.stderr, "Pool apache5-async/default: new client, JVM exit").size(),
                "premise: the agent's hook replaced the shared client\n" + with.describe());
    }

    private static List<String> scenarios(RunResult run) {
        List<String> lines = new ArrayList<>();
        for (String line : run.stdout.split("\n")) {
            if (line.startsWith("SCENARIO ")) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    /**
     * HTTP/2 ({@code createHttp2Default()} per request, over TLS by ALPN and in clear text by prior
     * knowledge), and the HTTP/1 builder negotiating HTTP/2 over TLS: with the agent a few multiplexed
     * connections and fewer than 64 threads; without it a connection per request.
     */
    @Test
    void http2ClientsPerRequestShareConnectionsAndReactorThreads() {
        try (Upstream h2 = Upstream.startWithHttp2()) {
            CountingForwarder tls = h2.newCounter(true);
            CountingForwarder clear = h2.newCounter(false);
            CountingForwarder negotiated = h2.newCounter(true);
            String bases = Upstream.baseOf(tls, true) + "," + Upstream.baseOf(clear, false);
            RunResult with = JvmRunner.app(LoadApp.class).withAgent().name("async-h2")
                    .args("library=apache5-async", "runs=h2@" + Upstream.baseOf(tls, true) + ",h2@" + Upstream.baseOf(clear, false)
                            + ",default@" + Upstream.baseOf(negotiated, true), "paths=/ok,POST:/echo", "requests=400",
                            "threads=" + THREADS)
                    .timeout(Duration.ofMinutes(3)).run();
            AgentLog.assertPoolingOn(with);
            String story = tls.accepted() + " TLS, " + clear.accepted() + " clear-text, " + negotiated.accepted()
                    + " negotiated connections\n" + with.describe();
            for (RunResult.Summary s : with.summaries()) {
                assertEquals(400, s.successes(), story);
                assertTrue(s.getInt("liveThreads") < 64, "live threads: " + s.get("liveThreads") + "\n" + story);
            }
            assertEquals(3, with.summaries().size(), story);
            assertTrue(tls.accepted() <= 4 && clear.accepted() <= 4, "HTTP/2 multiplexes: a few connections\n" + story);
            assertTrue(negotiated.accepted() <= THREADS + 4, story);
            long http2 = h2.wireMock().getAllServeEvents().stream()
                    .filter(e -> "HTTP/2.0".equals(e.getRequest().getProtocol())).count();
            assertTrue(http2 >= 1200, "the requests really went over HTTP/2: " + http2 + " of 1200\n" + story);

            h2.reset();
            RunResult without = JvmRunner.app(LoadApp.class).name("async-h2").args("library=apache5-async",
                    "modes=h2", "bases=" + bases, "paths=/ok", "requests=100", "threads=" + THREADS).timeout(Duration.ofMinutes(3)).run();
            for (RunResult.Summary s : without.summaries()) {
                assertEquals(100, s.successes(), without.describe());
            }
            assertTrue(tls.accepted() >= 75 && clear.accepted() >= 75, "control: without the agent a connection per client: "
                    + tls.accepted() + " TLS, " + clear.accepted() + " clear-text\n" + without.describe());
        }
    }

    /** Clients started and never closed: without the agent each keeps its reactor threads; with it, none. */
    @Test
    void unclosedClientsLeaveNoThreadsBehind() {
        assertUnclosedClientsLeaveNoThreadsBehind(upstream, "unclosed", "async unclosed clients");
    }

    /**
     * 300 requests on {@code mode}'s clients (LoadApp, library apache5-async), started and never closed, on
     * {@link #THREADS} threads: fewer than 64 live threads with the agent; without it (the control) each client
     * keeps its own reactor threads, more than 300 in all. Shared with {@code Apache5AsyncMinimalIT}.
     */
    static void assertUnclosedClientsLeaveNoThreadsBehind(Upstream upstream, String mode, String what) {
        String[] args = {"library=apache5-async", "modes=" + mode, "bases=" + upstream.http(), "paths=/ok", "requests=300",
                "threads=" + THREADS};
        RunResult with = JvmRunner.app(LoadApp.class).withAgent().name("async-" + mode).args(args).run();
        RunResult without = JvmRunner.app(LoadApp.class).name("async-" + mode).args(args).run();
        assertEquals(300, with.summary().successes(), with.describe());
        assertEquals(300, without.summary().successes(), without.describe());
        int threadsWith = with.summary().getInt("liveThreads");
        int threadsWithout = without.summary().getInt("liveThreads");
        assertTrue(threadsWith < 64, "with the agent: " + threadsWith + " live threads\n" + with.describe());
        assertTrue(threadsWithout > 300, "control: without the agent each unclosed client keeps its threads: " + threadsWithout);
        System.out.printf("%s, 300 requests: %d live threads with the agent, %d without%n", what, threadsWith, threadsWithout);
    }

    /**
     * The conformance suite's cookie test gives each client a store of its own; a default client has one
     * too (each build() makes a BasicCookieStore), which must not be the shared client's.
     */
    @Test
    void aDefaultClientsCookieNeverReachesAnotherDefaultClient() {
        String base = upstream.http();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("async-default-cookies").start()) {
            JvmRunner.Outcome login = app.send("LREQ apache5-async default GET " + base + "/login");
            JvmRunner.Outcome other = app.send("LREQ apache5-async default GET " + base + "/echo");
            JvmRunner.Outcome same = app.send("LSEQ apache5-async default " + base + "/login " + base + "/echo");
            assertTrue(login.ok && other.ok && same.ok, app.describe());
            assertTrue(other.body.contains("cookie= ") || other.body.endsWith("cookie="),
                    "another client's request carries no cookie: " + other.body);
            assertTrue(same.body.contains("session=s3cr3t-of-client-a"), "control: the same client does send it: " + same.body);
        }
    }

    /** The pool apache5-async/default in /health, /metrics and JMX, with the figures the server side counted. */
    @Test
    void thePoolShowsInHealthMetricsAndJmx() {
        CountingForwarder http = upstream.newCounter(false);
        CountingForwarder https = upstream.newCounter(true);
        upstream.reset();
        String pool = "apache5-async/default";
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("async-observability")
                .env("HTTP_POOL_STATUS_PORT", "0").env("HTTP_POOL_HEALTH_INTERVAL", "0.5").start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            int n = 0;
            for (String base : List.of(Upstream.baseOf(http, false), Upstream.baseOf(https, true))) {
                for (int i = 0; i < 10; i++, n++) {
                    assertTrue(app.send("LREQ apache5-async default GET " + base + "/ok").ok, app.describe());
                }
            }
            StatusEndpoint.Health health = status.awaitPoolState(pool, "HEALTHY", Duration.ofSeconds(10));
            Map<String, String> figures = health.pool(pool);
            assertEquals("UP", health.status(), health.toString());
            assertEquals("default", figures.get("setup"), health.toString());
            assertTrue(figures.get("library").startsWith("Apache HttpClient 5 async"), health.toString());
            assertEquals("100", figures.get("max"), health.toString());
            StatusEndpoint.Metrics m = status.metrics();
            String story = http.accepted() + " + " + https.accepted() + " connections accepted\n" + m.text;
            assertEquals(n, m.pool("http_client_requests_total", pool), story);
            assertEquals(http.accepted() + https.accepted(), m.pool("http_client_connections_created_total", pool), story);
            assertEquals(https.accepted(), m.pool("http_client_tls_handshakes_total", pool), story);
            assertEquals(0, (long) m.value("http_pool_agent_suppressed_errors_total"), story);
            assertEquals(String.valueOf(n), AgentMBeans.await(app, AgentMBeans.pool(pool), "Requests", Duration.ofSeconds(5)));
            assertFalse(AgentLog.lines(app.stderr(), AgentLog.TAG, "Created managed pool " + pool).isEmpty(), app.describe());
        }
    }
}
