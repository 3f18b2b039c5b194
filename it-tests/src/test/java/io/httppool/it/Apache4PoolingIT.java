package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.Apache4HoldAndCloseApp;
import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * What Apache HttpClient 4.5 adds to the conformance suite (which runs it as library {@code apache4}):
 * Spring 5's {@code RestTemplate} built per request, the other per-request habits, the rule for a
 * {@code new PoolingHttpClientConnectionManager()} the application makes, clients without connection state,
 * {@code close()} of a client that still holds a response, and a POST on a connection the server closed.
 * Connections are counted at the server (CountingForwarder); each run with the agent has its control.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class Apache4PoolingIT extends UpstreamTest {

    static final int THREADS = 8;
    static final int ALLOWED = THREADS + 4;

    private static JvmRunner load(String library, boolean agent, String name) {
        return JvmRunner.app(LoadApp.class).agent(agent).name(name).args("library=" + library).timeout(Duration.ofMinutes(3));
    }

    /** {@code new RestTemplate(new HttpComponentsClientHttpRequestFactory())} per request: pooled; without the agent a connection each. */
    @Test
    void springRestTemplatePerRequestIsPooled() {
        CountingForwarder http = upstream.newCounter(false);
        CountingForwarder https = upstream.newCounter(true);
        upstream.reset();
        RunResult with = load("spring5", true, "spring-resttemplate").args("modes=default",
                "bases=" + Upstream.baseOf(http, false) + "," + Upstream.baseOf(https, true),
                "paths=/ok,POST:/echo", "requests=400", "threads=" + THREADS).run();
        AgentLog.assertPoolingOn(with);
        String story = http.accepted() + " http and " + https.accepted() + " https connections\n" + with.describe();
        for (RunResult.Summary s : with.summaries()) {
            assertEquals(400, s.successes(), story);
        }
        assertTrue(http.accepted() <= ALLOWED && https.accepted() <= ALLOWED, "at most " + ALLOWED + " per scheme: " + story);
        assertFalse(AgentLog.lines(with.stderr, "Created managed pool apache4/system").isEmpty(),
                "HttpComponentsClientHttpRequestFactory() uses HttpClients.createSystem()\n" + with.describe());

        CountingForwarder control = upstream.newCounter(false);
        RunResult without = load("spring5", false, "spring-resttemplate").args("modes=default",
                "bases=" + Upstream.baseOf(control, false), "paths=/ok,POST:/echo", "requests=200", "threads=" + THREADS).run();
        assertEquals(200, without.summary().successes(), without.describe());
        assertTrue(control.accepted() >= 150, "control: without the agent a connection per request, saw " + control.accepted());
        System.out.printf("spring5 RestTemplate: with agent %d+%d connections for 2x400 requests, without %d for 200%n",
                http.accepted(), https.accepted(), control.accepted());
    }

    /**
     * The figures of the report: 1,000 per-request {@code HttpClients.createDefault()} clients on 8 threads
     * over HTTPS, with and without the agent (connections counted at the server, live threads in the app).
     */
    @Test
    void aThousandPerRequestClientsOnEightThreads() {
        CountingForwarder pooled = upstream.newCounter(true);
        CountingForwarder plain = upstream.newCounter(true);
        String[] args = {"modes=default", "paths=/ok", "requests=1000", "threads=" + THREADS};
        RunResult with = load("apache4", true, "apache4-thousand").args(args).args("bases=" + Upstream.baseOf(pooled, true)).run();
        RunResult without = load("apache4", false, "apache4-thousand").args(args).args("bases=" + Upstream.baseOf(plain, true)).run();
        assertEquals(1000, with.summary().successes(), with.describe());
        assertEquals(1000, without.summary().successes(), without.describe());
        assertTrue(pooled.accepted() <= ALLOWED, pooled.accepted() + " connections with the agent\n" + with.describe());
        assertTrue(plain.accepted() >= 900, "control: " + plain.accepted() + " connections without the agent");
        System.out.printf("apache4 1000 requests on 8 threads over https: with agent %d connections, %s live threads, %s ms;"
                        + " without %d connections, %s live threads, %s ms%n", pooled.accepted(), with.summary().get("liveThreads"),
                with.summary().get("elapsedMs"), plain.accepted(), without.summary().get("liveThreads"), without.summary().get("elapsedMs"));
    }

    /** The other per-request habits share connections too, with identical outcomes. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"system", "minimal", "custom", "pooling", "trustall"})
    void perRequestHabitsArePooled(String habit) {
        CountingForwarder https = upstream.newCounter(true);
        upstream.reset();
        String[] args = {"modes=" + habit, "bases=" + Upstream.baseOf(https, true), "paths=/ok,POST:/echo,/notfound,/redirect",
                "requests=300", "threads=" + THREADS};
        RunResult with = load("apache4", true, "apache4-" + habit).args(args).run();
        int pooled = https.accepted();
        RunResult without = load("apache4", false, "apache4-" + habit).args(args).run();
        RunResult.Summary a = without.summary();
        RunResult.Summary b = with.summary();
        assertEquals(300, a.successes(), without.describe());
        assertEquals(a.get("digest"), b.get("digest"), "same statuses and bodies\n" + with.describe());
        assertTrue(pooled <= ALLOWED, habit + ": " + pooled + " connections with the agent\n" + with.describe());
        assertTrue(https.accepted() - pooled >= 250, "control: without the agent about one per request, saw " + (https.accepted() - pooled));
    }

    /**
     * A manager the application configured ({@code setMaxTotal}) and a client without connection state are
     * left alone: a connection per request, as without the agent, and one log line says why for the first.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pooling-configured", "stateless"})
    void configuredManagersAndStatelessClientsAreLeftAlone(String habit) {
        CountingForwarder http = upstream.newCounter(false);
        RunResult with = load("apache4", true, "apache4-" + habit).args("modes=" + habit, "bases=" + Upstream.baseOf(http, false),
                "paths=/ok", "requests=100", "threads=4").run();
        assertEquals(100, with.summary().successes(), with.describe());
        assertTrue(http.accepted() >= 90, habit + ": a connection per request, saw " + http.accepted() + "\n" + with.describe());
        String why = habit.equals("stateless") ? "without connection state" : "setMaxTotal was called on it";
        assertFalse(AgentLog.lines(with.stderr, AgentLog.TAG, why).isEmpty(), "one line says why\n" + with.describe());
    }

    /**
     * Closing a client closes the connection under its unread response, as closing its own pool would: 30
     * clients each keep a response open and are closed, with HTTP_MAX_CONNECTIONS=4 and a strict limit.
     * Without that release the fifth request would wait for a connection nobody gives back (the responses
     * are still referenced, so no garbage collection reclaims them) and fail after HTTP_POOL_TIMEOUT.
     */
    @Test
    void closingAClientReleasesTheConnectionsItStillHolds() {
        CountingForwarder http = upstream.newCounter(false);
        String url = Upstream.baseOf(http, false) + "/ok";
        RunResult with = JvmRunner.app(Apache4HoldAndCloseApp.class).withAgent().name("apache4-hold-close")
                .env("HTTP_MAX_CONNECTIONS", "4").env("HTTP_POOL_ON_EXHAUSTED", "wait").env("HTTP_POOL_TIMEOUT", "2")
                .args("requests=30", "url=" + url).run();
        AgentLog.assertPoolingOn(with);
        assertEquals(30, with.summary().successes(), with.describe());
        RunResult without = JvmRunner.app(Apache4HoldAndCloseApp.class).name("apache4-hold-close").args("requests=30", "url=" + url).run();
        assertEquals(30, without.summary().successes(), without.describe());
    }

    /**
     * A POST on a pooled connection the server closed (the upstream restarted) succeeds, as on a fresh client,
     * even with the idle-time validation pushed out of the way (HTTP_POOL_VALIDATE_AFTER_INACTIVITY=3600):
     * HttpClient 4 never resends a request with a body, so the agent checks the connection before such a request.
     */
    @Test
    void aPostOnAConnectionTheServerClosedSucceeds() throws Exception {
        String base = upstream.http();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("apache4-stale-post")
                .env("HTTP_POOL_VALIDATE_AFTER_INACTIVITY", "3600").start()) {
            for (int i = 0; i < 3; i++) {
                assertTrue(app.send("LREQ apache4 default GET " + base + "/ok").ok, app.describe());
            }
            assertTrue(upstream.httpCounter().open() > 0, "a pooled connection is open before the restart");
            upstream.restartAll();
            JvmRunner.Outcome post = app.send("LREQ apache4 default POST " + base + "/echo after-restart");
            assertTrue(post.ok && post.status == 200 && post.body.contains("body=after-restart"),
                    "the POST after the restart: " + post + "\n" + app.describe());
        }
    }
}
