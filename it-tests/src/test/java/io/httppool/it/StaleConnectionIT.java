package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.Habits;
import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Upstream;

/**
 * Issue 2, point 3 / test 6: an upstream that restarted, or closed idle connections, must not fail
 * a request that succeeds without the agent, including a POST (not retried by HttpClient) sent
 * right after. HttpClient's own check ({@code validateAfterInactivity}, 2 s) would not look at a
 * connection idle for less than that: stale pooled connections must be validated or discarded.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StaleConnectionIT {

    private Upstream upstream;

    @BeforeEach
    void start() {
        upstream = Upstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    /** Requests, then WireMock stops and starts again on the same ports, then at once a POST. */
    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {false, true})
    void aPostRightAfterAnUpstreamRestartSucceeds(boolean agent) {
        List<String> problems = new ArrayList<>();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent).name("stale-restart").start()) {
            for (String habit : Habits.PER_REQUEST) {
                for (String base : List.of(upstream.directHttp(), upstream.directHttps())) {
                    expect(app, "REQ " + habit + " GET " + base + "/ok", problems);
                    expect(app, "REQ " + habit + " GET " + base + "/echo", problems);
                }
                upstream.restart();
                for (String base : List.of(upstream.directHttp(), upstream.directHttps())) {
                    JvmRunner.Outcome o = expect(app, "REQ " + habit + " POST " + base + "/echo after-restart-" + habit, problems);
                    if (o.ok && !o.body.contains("method=POST body=after-restart-" + habit)) {
                        problems.add("POST after restart (" + habit + ", " + base + ") got the wrong answer: " + o);
                    }
                    expect(app, "REQ " + habit + " GET " + base + "/ok", problems);
                }
            }
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
            assertEquals(List.of(), problems, app.describe());
        }
    }

    /**
     * The server side closes connections idle for 500 ms (a short keep-alive timeout); a request,
     * 900 ms of idleness (well under HttpClient's 2 s validateAfterInactivity), then a POST.
     * With the agent, the two GETs before must have shared one connection: else no stale
     * connection was ever in play and the test would prove nothing.
     */
    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {false, true})
    void aPostAfterTheServerClosedAnIdleConnectionSucceeds(boolean agent) throws InterruptedException {
        upstream.httpCounter().idleCloseMillis(500);
        upstream.httpsCounter().idleCloseMillis(500);
        List<String> problems = new ArrayList<>();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent).name("stale-idle").start()) {
            for (String habit : Habits.PER_REQUEST) {
                for (String base : List.of(upstream.http(), upstream.https())) {
                    CountingForwarder counter = upstream.counterFor(base);
                    int before = counter.accepted();
                    expect(app, "REQ " + habit + " GET " + base + "/ok", problems);
                    expect(app, "REQ " + habit + " GET " + base + "/echo", problems);
                    int used = counter.accepted() - before;
                    if (agent && used > 1) {
                        problems.add("precondition: with the agent two consecutive GETs (" + habit + ", " + base
                                + ") should share one pooled connection, used " + used);
                    }
                }
                Thread.sleep(900);
                for (String base : List.of(upstream.http(), upstream.https())) {
                    JvmRunner.Outcome o = expect(app, "REQ " + habit + " POST " + base + "/echo after-idle-" + habit, problems);
                    if (o.ok && !o.body.contains("method=POST body=after-idle-" + habit)) {
                        problems.add("POST after idle close (" + habit + ", " + base + ") got the wrong answer: " + o);
                    }
                }
            }
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
            assertEquals(List.of(), problems, app.describe());
        }
    }

    private static JvmRunner.Outcome expect(JvmRunner.Interactive app, String command, List<String> problems) {
        JvmRunner.Outcome o = app.send(command);
        if (!o.ok || o.status != 200) {
            problems.add(command + " -> " + o);
        }
        return o;
    }
}
