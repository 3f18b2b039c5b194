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
 * Issue 2, point 4 / test 7: {@code HTTP_POOL_ENABLED=false} says 'pooling OFF' and the app
 * behaves as without the agent (a connection per request); the system property and agent-argument
 * forms override the environment (precedence: agent args, then system properties, then env).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ToggleIT extends UpstreamTest {

    static final int REQUESTS = 100;
    static final int THREADS = 4;


    private RunResult run(JvmRunner runner, String path, int requests, int threads) {
        upstream.reset();
        return runner.args("modes=default", "bases=" + upstream.http(), "paths=" + path,
                "requests=" + requests, "threads=" + threads).run();
    }

    @Test
    void disabledByEnvironmentTheAgentStepsAside() {
        RunResult r = run(JvmRunner.app(LoadApp.class).withAgent().name("toggle-env-off")
                .env("HTTP_POOL_ENABLED", "false"), "/ok", REQUESTS, THREADS);
        assertEquals(REQUESTS, r.summary().successes(), r.describe());
        AgentLog.assertPoolingOff(r);
        assertEquals(REQUESTS, upstream.httpCounter().accepted(), "pooling off: one connection per request\n" + r.describe());
    }

    /** env, system property, agent argument for http.pool.enabled ("" = not given) and the expected state. */
    @ParameterizedTest(name = "env={0} sysprop={1} agentArg={2} -> pooling {3}")
    @CsvSource({
        "false, true,  ,      ON",
        "true,  false, ,      OFF",
        ",      false, true,  ON",
        "true,  true,  false, OFF",
        "false, ,      true,  ON",
    })
    void systemPropertiesOverrideTheEnvironmentAndAgentArgumentsOverrideBoth(
            String env, String sysprop, String agentArg, String expected) {
        JvmRunner runner = JvmRunner.app(LoadApp.class).name("toggle-precedence");
        if (agentArg != null) {
            runner.withAgent("http.pool.enabled=" + agentArg);
        } else {
            runner.withAgent();
        }
        if (env != null) {
            runner.env("HTTP_POOL_ENABLED", env);
        }
        if (sysprop != null) {
            runner.sysprop("http.pool.enabled", sysprop);
        }
        RunResult r = run(runner, "/ok", REQUESTS, THREADS);
        assertEquals(REQUESTS, r.summary().successes(), r.describe());
        int connections = upstream.httpCounter().accepted();
        if (expected.equals("ON")) {
            AgentLog.assertPoolingOn(r);
            assertTrue(connections <= THREADS + 5, "pooling on: " + connections + " connections\n" + r.describe());
        } else {
            AgentLog.assertPoolingOff(r);
            assertEquals(REQUESTS, connections, "pooling off: one connection per request\n" + r.describe());
        }
    }

    /** The same precedence for a number: the most connections open at once follows the winner. */
    @ParameterizedTest(name = "env={0} sysprop={1} agentArg={2} -> at most {3} connections")
    @CsvSource({
        "2, 6, , 6",
        "12, 6, 3, 3",
    })
    void precedenceHoldsForNumbersToo(String env, String sysprop, String agentArg, int limit) {
        JvmRunner runner = JvmRunner.app(LoadApp.class).name("toggle-max-connections")
                .env("HTTP_MAX_CONNECTIONS", env)
                .env("HTTP_POOL_ON_EXHAUSTED", "wait") // the strict limit: what is open at once shows the value in force
                .sysprop("http.max.connections", sysprop);
        if (agentArg != null) {
            runner.withAgent("http.max.connections=" + agentArg);
        } else {
            runner.withAgent();
        }
        RunResult r = run(runner, "/delay/30", 160, 16);
        assertEquals(160, r.summary().successes(), r.describe());
        AgentLog.assertPoolingOn(r);
        int maxOpen = upstream.httpCounter().maxOpen();
        assertTrue(maxOpen <= limit, "at most " + limit + " connections open at once, saw " + maxOpen + "\n" + r.describe());
        assertTrue(maxOpen > 2, "16 busy threads should have used more than 2 connections (the env value lost), saw "
                + maxOpen + "\n" + r.describe());
    }
}
