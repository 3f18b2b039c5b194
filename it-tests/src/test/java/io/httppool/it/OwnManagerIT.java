package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.OlderHttpClient5;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.UpstreamTest;

/**
 * {@code new PoolingHttpClientConnectionManager()} per request, set on the client builder (README, library
 * table): pooled when the manager is the constructor's default setup with at most its limits
 * set before the client is built; left alone, with one log line saying why, once anything else was set on
 * it. Connections are counted at the server; every case also runs without the agent (one connection per
 * request), on HttpClient 5.5 and 5.1.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OwnManagerIT extends UpstreamTest {

    static final int REQUESTS = 60;
    static final int THREADS = 4;

    private RunResult run(String library, String habit, boolean agent) {
        upstream.reset();
        JvmRunner runner = OlderHttpClient5.on(JvmRunner.app(LoadApp.class), library).agent(agent)
                .name("own-manager-" + habit + "-" + library);
        RunResult r = runner.args("library=" + library, "modes=" + habit, "bases=" + upstream.http(), "paths=/ok",
                "requests=" + REQUESTS, "threads=" + THREADS).run();
        assertEquals(REQUESTS, r.summary().successes(), r.describe());
        return r;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"newmanager, apache5", "newmanager, apache5-5.1", "newmanager-late, apache5", "newmanager-socketconfig, apache5"})
    void aManagerMadeWithNewIsPooledOnlyWhenItIsTheDefaultSetup(String habit, String library) {
        RunResult without = run(library, habit, false);
        int connectionsWithout = upstream.httpCounter().accepted();
        assertEquals(REQUESTS, connectionsWithout, "without the agent, a connection per request\n" + without.describe());

        RunResult with = run(library, habit, true);
        int connections = upstream.httpCounter().accepted();
        AgentLog.assertPoolingOn(with);
        String stderr = with.stderr;
        if (habit.equals("newmanager-socketconfig")) {
            assertEquals(REQUESTS, connections, "a manager configured beyond its limits is left alone\n" + with.describe());
            assertFalse(AgentLog.lines(stderr, "is not pooled: setDefaultSocketConfig was called on it").isEmpty(),
                    "one line says why\n" + with.describe());
        } else {
            assertTrue(connections <= THREADS + 2, connections + " connections for " + REQUESTS + " requests\n" + with.describe());
            assertFalse(AgentLog.lines(stderr, "(the application's own limits)").isEmpty(),
                    "the manager's limits (50, 20 per route) are its setup's\n" + with.describe());
            assertEquals(habit.equals("newmanager-late"), !AgentLog.lines(stderr,
                            "setMaxTotal was called on a manager made with new after its client was built").isEmpty(),
                    "a limit set after the client was built is reported\n" + with.describe());
        }
    }
}
