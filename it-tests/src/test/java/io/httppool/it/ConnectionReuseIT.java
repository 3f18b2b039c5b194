package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.httppool.it.apps.Habits;
import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue 2, points 2 and 5 / test 2: 2,000 requests on 16 threads per habit, HTTP and HTTPS. With the
 * agent the upstream accepts at most 16 + 5 TCP connections (for HTTPS: TLS handshakes, since per-
 * request clients cannot resume sessions); without it, one per request, which also proves that the
 * counter counts.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConnectionReuseIT extends UpstreamTest {

    static final int REQUESTS = 2000;
    static final int THREADS = 16;
    static final int ALLOWED = THREADS + 5;


    static List<Arguments> habitsAndSchemes() {
        List<Arguments> out = new ArrayList<>();
        for (String scheme : List.of("http", "https")) {
            for (String habit : Habits.PER_REQUEST) {
                out.add(Arguments.of(habit, scheme));
            }
        }
        return out;
    }

    private String base(String scheme) {
        return "https".equals(scheme) ? upstream.https() : upstream.http();
    }

    private RunResult load(boolean agent, String habit, String base, int requests) {
        upstream.reset();
        return JvmRunner.app(LoadApp.class).agent(agent).name("reuse-" + habit)
                .args("modes=" + habit, "bases=" + base, "paths=/ok,/echo", "requests=" + requests,
                        "threads=" + THREADS)
                .run();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("habitsAndSchemes")
    void withTheAgentConnectionsStayNearTheThreadCount(String habit, String scheme) {
        String base = base(scheme);
        RunResult r = load(true, habit, base, REQUESTS);
        int connections = upstream.counterFor(base).accepted();
        RunResult.Summary s = r.summary();
        assertEquals(REQUESTS, s.successes(), r.describe());
        AgentLog.assertPoolingOn(r);
        assertTrue(connections <= ALLOWED, habit + " over " + scheme + ": " + connections
                + " connections accepted upstream for " + REQUESTS + " requests on " + THREADS
                + " threads (allowed: " + ALLOWED + ")\n" + r.describe());
        System.out.printf("reuse %s %s: %d connections, %d ms%n", habit, scheme, connections, r.elapsedMs);
    }

    @Test
    void withoutTheAgentEveryRequestOpensAConnection() {
        // HTTP at full size; HTTPS smaller, since 2,000 handshakes cost ~20 s on 2 cores
        RunResult http = load(false, "default", upstream.http(), REQUESTS);
        int httpConnections = upstream.httpCounter().accepted();
        assertEquals(REQUESTS, http.summary().successes(), http.describe());
        assertTrue(httpConnections > REQUESTS / 2, "the counter must see the per-request connections: "
                + httpConnections + "\n" + http.describe());

        RunResult https = load(false, "pooling", upstream.https(), 200);
        int httpsConnections = upstream.httpsCounter().accepted();
        assertEquals(200, https.summary().successes(), https.describe());
        assertTrue(httpsConnections > 100, "the counter must see the per-request TLS connections: "
                + httpsConnections + "\n" + https.describe());
        System.out.printf("baseline: http %d connections (%d ms), https %d connections (%d ms)%n",
                httpConnections, http.elapsedMs, httpsConnections, https.elapsedMs);
    }
}
