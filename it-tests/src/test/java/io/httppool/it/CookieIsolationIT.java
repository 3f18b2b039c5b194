package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

import org.junit.jupiter.api.Timeout;

/**
 * Issue 2, point 3 / test 3: one client's cookie never travels with another client's request.
 * Client A calls /login (the upstream sets a cookie), then a new client B of the same habit calls
 * /check: WireMock's journal must show no Cookie header on B's request, with the agent exactly as
 * without. Control: one client doing both requests does send the cookie (so the check can see it).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CookieIsolationIT extends UpstreamTest {

    /** Habits with cookie management (MinimalHttpClient has none: it is only checked for no leak). */
    static final List<String> HABITS = List.of("default", "system", "builder", "custom", "pooling", "minimal");


    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {false, true})
    void aCookieSetForOneClientIsNeverSentByTheNext(boolean agent) {
        upstream.reset();
        List<String> problems = new ArrayList<>();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent).name("cookies").start()) {
            for (String base : List.of(upstream.http(), upstream.https())) {
                String scheme = base.substring(0, base.indexOf(':'));
                for (String habit : HABITS) {
                    String tag = habit + "-" + scheme;
                    // interleave: A logs in, B (a new client) checks, with A's connection idle in between
                    expectOk(app, "REQ " + habit + " GET " + base + "/login?client=A-" + tag);
                    expectOk(app, "REQ " + habit + " GET " + base + "/check?client=B-" + tag);
                    expectOk(app, "REQ " + habit + " GET " + base + "/login?client=A2-" + tag);
                    expectOk(app, "REQ " + habit + " GET " + base + "/echo?client=C-" + tag);
                    if (!habit.equals("minimal")) {
                        expectOk(app, "SEQ " + habit + " GET " + base + "/login?client=S-" + tag
                                + " " + base + "/check?client=same-" + tag);
                    }
                }
            }
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
            for (LoggedRequest r : upstream.requestsTo("/check")) {
                String client = r.queryParameter("client").firstValue();
                boolean hasCookie = r.containsHeader("Cookie");
                if (client.startsWith("B-") && hasCookie) {
                    problems.add("new client " + client + " sent the previous client's cookie: " + r.getHeader("Cookie"));
                }
                if (client.startsWith("same-") && !hasCookie) {
                    problems.add("control " + client + ": one client doing /login then /check sent no cookie"
                            + " (the check could not see a leak)");
                }
            }
            for (LoggedRequest r : upstream.requestsTo("/echo")) {
                if (r.containsHeader("Cookie")) {
                    problems.add("new client " + r.queryParameter("client").firstValue() + " sent a cookie: " + r.getHeader("Cookie"));
                }
            }
            int checks = upstream.requestsTo("/check").size();
            assertEquals(2 * (2 * HABITS.size() - 1), checks, "requests to /check in the journal");
            assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + app.describe());
        }
    }

    private static void expectOk(JvmRunner.Interactive app, String command) {
        JvmRunner.Outcome o = app.send(command);
        if (!o.ok || o.status != 200) {
            throw new AssertionError(command + " -> " + o + "\n" + app.describe());
        }
    }
}
