package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue 2, points 3 and 4 / test 9: the agent's settings are honoured (limits, pool timeout, read
 * timeout), and timeouts the application set itself win over the agent's defaults.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SettingsHonoredIT extends UpstreamTest {


    private RunResult load(JvmRunner runner, String runsOrModes, String path, int requests, int threads, String... extra) {
        upstream.reset();
        runner.args(runsOrModes, "paths=" + path, "requests=" + requests, "threads=" + threads);
        if (!runsOrModes.startsWith("runs=")) {
            runner.args("bases=" + upstream.http());
        }
        return runner.args(extra).run();
    }

    /**
     * 16 busy threads, a 20 ms upstream, the strict limit (HTTP_POOL_ON_EXHAUSTED=wait): at most the
     * configured number of connections open at once. (The default, overflow, bounds what is kept: OverflowIT.)
     */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"HTTP_MAX_CONNECTIONS, 4", "HTTP_MAX_CONNECTIONS_PER_ROUTE, 2"})
    void connectionLimitsBoundConcurrentConnections(String variable, int limit) {
        RunResult r = load(JvmRunner.app(LoadApp.class).withAgent().name("limit-" + variable).env(variable, String.valueOf(limit))
                        .env("HTTP_POOL_ON_EXHAUSTED", "wait"),
                "modes=default", "/delay/20", 160, 16);
        assertEquals(160, r.summary().successes(), r.describe());
        AgentLog.assertPoolingOn(r);
        int maxOpen = upstream.httpCounter().maxOpen();
        assertTrue(maxOpen <= limit, variable + "=" + limit + ": saw " + maxOpen + " connections open at once\n" + r.describe());
    }

    @Test
    void withoutTheAgentSixteenThreadsOpenMoreThanFourConnectionsAtOnce() {
        RunResult r = load(JvmRunner.app(LoadApp.class).name("limit-baseline"), "modes=default", "/delay/20", 160, 16);
        assertEquals(160, r.summary().successes(), r.describe());
        int maxOpen = upstream.httpCounter().maxOpen();
        assertTrue(maxOpen > 4, "the concurrency measure must be able to see more than 4, saw " + maxOpen + "\n" + r.describe());
    }

    /** One connection, held 1 s by the first request: the second waits 0.2 s for it and fails (strict limit). */
    @Test
    void poolTimeoutLimitsTheWaitForAConnection() {
        RunResult r = load(JvmRunner.app(LoadApp.class).withAgent().name("pool-timeout")
                        .env("HTTP_MAX_CONNECTIONS", "1").env("HTTP_POOL_TIMEOUT", "0.2").env("HTTP_POOL_ON_EXHAUSTED", "wait"),
                "modes=default", "/delay/1000", 2, 2);
        RunResult.Summary s = r.summary();
        AgentLog.assertPoolingOn(r);
        assertEquals(1, s.successes(), r.describe());
        assertTrue(s.get("failureTypes").contains("Timeout"), "expected a timeout acquiring the connection: "
                + s.get("failureTypes") + "\n" + r.describe());
    }

    /**
     * The app's own RequestConfig responseTimeout (custom habit) and ConnectionConfig socketTimeout
     * (own pooling manager) of 200 ms against a 1 s upstream fail as without the agent, whose default
     * read timeout is 30 s; and with app timeouts of 5 s, the agent's HTTP_READ_TIMEOUT=0.5 does not
     * cut them short.
     */
    @ParameterizedTest(name = "app timeouts {0} ms, HTTP_READ_TIMEOUT={1}")
    @CsvSource({"200, ", "5000, 0.5"})
    void timeoutsTheApplicationSetWinOverTheAgentsDefaults(int appTimeoutMs, String agentReadTimeout) {
        String runs = "runs=custom@" + upstream.http() + ",pooling@" + upstream.http();
        String[] options = {"response-timeout-ms=" + appTimeoutMs, "socket-timeout-ms=" + appTimeoutMs};
        JvmRunner withAgent = JvmRunner.app(LoadApp.class).withAgent().name("app-timeouts");
        JvmRunner withoutAgent = JvmRunner.app(LoadApp.class).name("app-timeouts");
        if (agentReadTimeout != null) {
            withAgent.env("HTTP_READ_TIMEOUT", agentReadTimeout);
            withoutAgent.env("HTTP_READ_TIMEOUT", agentReadTimeout);
        }
        RunResult without = load(withoutAgent, runs, "/delay/1000", 2, 2, options);
        RunResult with = load(withAgent, runs, "/delay/1000", 2, 2, options);
        AgentLog.assertPoolingOn(with);
        boolean expectFailure = appTimeoutMs < 1000;
        for (String mode : new String[] {"custom", "pooling"}) {
            RunResult.Summary a = without.summary(mode, upstream.http());
            RunResult.Summary b = with.summary(mode, upstream.http());
            assertEquals(expectFailure ? 0 : 2, a.successes(), "premise, without the agent (" + mode + ")\n" + without.describe());
            if (expectFailure) {
                assertTrue(a.get("failureTypes").contains("SocketTimeoutException"), without.describe());
            }
            assertEquals(a.get("successes"), b.get("successes"), mode + ": with agent " + b + "\nwithout " + a + "\n" + with.describe());
            assertEquals(a.get("failureTypes"), b.get("failureTypes"), mode + ": with agent " + b + "\nwithout " + a + "\n" + with.describe());
        }
    }

    /**
     * Intended, configured behaviour: HTTP_READ_TIMEOUT=0.5 applies to a client that set no timeout
     * of its own, so a default client waiting 1.5 s for an answer times out with the agent, while
     * without the agent (HttpClient's default: no read timeout) it waits and succeeds.
     */
    @Test
    void theAgentsReadTimeoutAppliesWhereTheApplicationSetNone() {
        RunResult without = load(JvmRunner.app(LoadApp.class).name("agent-read-timeout").env("HTTP_READ_TIMEOUT", "0.5"),
                "modes=default", "/delay/1500", 2, 2);
        assertEquals(2, without.summary().successes(), without.describe());

        RunResult with = load(JvmRunner.app(LoadApp.class).withAgent().name("agent-read-timeout").env("HTTP_READ_TIMEOUT", "0.5"),
                "modes=default", "/delay/1500", 2, 2);
        RunResult.Summary s = with.summary();
        AgentLog.assertPoolingOn(with);
        assertEquals(0, s.successes(), "HTTP_READ_TIMEOUT=0.5 must cut a 1.5 s wait short\n" + with.describe());
        assertTrue(s.get("failureTypes").contains("SocketTimeoutException"), s.get("failureTypes") + "\n" + with.describe());
    }
}
