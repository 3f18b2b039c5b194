package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.UpstreamTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code HttpClients.createDefault()} under the agent returns a client of its own on one shared default client
 * (README, "What stays as it was"). What the application gives or does around such clients works as without
 * the agent:
 * <ul>
 *   <li>a cookie store the application puts in a plain {@code BasicHttpContext} is the one used (HttpClient 5.4+
 *       reads a plain context through a view of its attributes);</li>
 *   <li>a default manager the application took from the builder and reconfigured becomes its own: other default
 *       clients never run on it, so closing it (with its client) does not fail them.</li>
 * </ul>
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DefaultClientIT extends UpstreamTest {

    @Test
    void aCookieStoreInTheApplicationsPlainContextIsTheOneUsed() {
        String base = upstream.http();
        for (boolean agent : new boolean[] {false, true}) {
            try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent).name("context-cookies").start()) {
                JvmRunner.Outcome o = app.send("CTXSEQ " + base + "/login?client=L-" + agent + " " + base + "/check?client=ctx-" + agent);
                assertTrue(o.ok && o.status == 200, o + "\n" + app.describe());
            }
        }
        List<String> cookies = new ArrayList<>();
        for (LoggedRequest r : upstream.requestsTo("/check")) {
            cookies.add(r.queryParameter("client").firstValue() + "=" + r.containsHeader("Cookie"));
        }
        assertEquals(List.of("ctx-false=true", "ctx-true=true"), cookies,
                "the /login cookie, stored in the application's own store, travels with the next client's request"
                        + " (control: without the agent)");
    }

    @Test
    void aDefaultManagerTheApplicationReconfiguredAndClosedDoesNotFailOtherDefaultClients() {
        String base = upstream.http();
        List<List<String>> answers = new ArrayList<>();
        for (boolean agent : new boolean[] {false, true}) {
            try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent).name("reconfigured-default").start()) {
                List<String> lines = new ArrayList<>();
                lines.add(app.send("REQ default GET " + base + "/ok").line);
                lines.add(app.send("RECONFIGURE " + base + "/ok").line);
                lines.add(app.send("REQ default GET " + base + "/ok").line);
                lines.add(app.send("PAR 40 4 default " + base + "/ok").line);
                answers.add(lines);
                if (agent) {
                    AgentLog.assertPoolingOn(app.stderr(), app.describe());
                }
            }
        }
        assertEquals(List.of("OK 200 ok", "OK 200 ok", "OK 200 ok", "OK 0 ok%3D40"), answers.get(0), "control: without the agent");
        assertEquals(answers.get(0), answers.get(1), "the same with the agent");
    }
}
