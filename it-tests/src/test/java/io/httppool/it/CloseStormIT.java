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
 * Issue 2, point 2 / test 5: the application's close() never closes or disturbs the shared pool,
 * also when 64 threads create and close clients in a loop while 16 threads make 1,000 requests
 * (each with a new client, closed after it): no failure anywhere, and the upstream sees at most
 * one connection per requesting thread plus a few, where without the agent it sees one per
 * request. (The storm's clients make no requests: with 80 threads requesting at once, the default
 * HTTP_MAX_KEEPALIVE_CONNECTIONS=20 would rightly close connections beyond 20 idle ones.)
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CloseStormIT extends UpstreamTest {

    static final int REQUESTS = 1000;
    static final int THREADS = 16;
    static final int STORM = 64;
    static final int ALLOWED = THREADS + 5;


    private RunResult storm(boolean agent, String habit, String base, int requests) {
        upstream.reset();
        return JvmRunner.app(LoadApp.class).agent(agent).name("storm-" + habit)
                .args("modes=" + habit, "bases=" + base, "paths=/ok", "requests=" + requests,
                        "threads=" + THREADS, "storm=" + STORM)
                .run();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"default,http", "pooling,https"})
    void closingClientsNeverDisturbsTheSharedPool(String habit, String scheme) {
        String base = "https".equals(scheme) ? upstream.https() : upstream.http();
        RunResult r = storm(true, habit, base, REQUESTS);
        RunResult.Summary s = r.summary();
        int connections = upstream.counterFor(base).accepted();
        AgentLog.assertPoolingOn(r);
        assertEquals(REQUESTS, s.successes(), r.describe());
        assertEquals(0, s.getInt("stormFailures"), "requests of the storm's clients failed\n" + r.describe());
        assertTrue(s.getInt("stormClients") >= STORM, "the storm built too few clients\n" + r.describe());
        assertTrue(connections <= ALLOWED, connections + " connections for " + REQUESTS + " requests + "
                + s.get("stormClients") + " storm clients (allowed " + ALLOWED + ")\n" + r.describe());
        System.out.printf("storm %s %s: %s storm clients, %d connections, %d ms%n",
                habit, scheme, s.get("stormClients"), connections, r.elapsedMs);
    }

    @Test
    void withoutTheAgentTheStormAlsoSucceedsOnAConnectionPerRequest() {
        int requests = REQUESTS / 2; // a connection per request is slow: half is enough to see it
        RunResult r = storm(false, "default", upstream.http(), requests);
        RunResult.Summary s = r.summary();
        int connections = upstream.httpCounter().accepted();
        assertEquals(requests, s.successes(), r.describe());
        assertEquals(0, s.getInt("stormFailures"), r.describe());
        assertTrue(connections >= requests, connections + " connections\n" + r.describe());
        System.out.printf("storm baseline: %s storm clients, %d connections, %d ms%n",
                s.get("stormClients"), connections, r.elapsedMs);
    }
}
