package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Upstream;

/**
 * Issue 2, point 3 / test 4 (security): the upstream's certificate is trusted but issued for
 * another name. A lenient client (trust-all and/or no-op hostname verifier) succeeds; a verifying
 * client to the same host:port must then fail with an SSL exception, also right after the lenient
 * client left its connection idle in a pool (and in the other order). With the agent, every outcome
 * must be what it is without.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TlsIsolationIT {

    /** trust-all + no-op verifier (new and deprecated API), and default trust + no-op verifier. */
    static final List<String> LENIENT = List.of("trustall", "trustall-legacy", "noverify");
    /** Habits that verify host names. */
    static final List<String> VERIFYING = List.of("default", "system", "minimal", "custom", "pooling");

    private static Upstream upstream;

    @BeforeAll
    static void start() {
        upstream = Upstream.startWithWrongName();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    /** The script: each line a command; returns the outcomes. */
    private static List<String> script(String base) {
        List<String> commands = new ArrayList<>();
        for (String lenient : LENIENT) {
            // A first: its connection is idle (pooled, with the agent) when B runs
            commands.add("REQ " + lenient + " GET " + base + "/ok");
            for (String verifying : VERIFYING) {
                commands.add("REQ " + verifying + " GET " + base + "/ok");
            }
            // B first, then A, then B again
            commands.add("REQ default GET " + base + "/echo");
            commands.add("REQ " + lenient + " GET " + base + "/echo");
            commands.add("REQ " + lenient + " GET " + base + "/echo");
            commands.add("REQ pooling GET " + base + "/echo");
        }
        return commands;
    }

    private static List<JvmRunner.Outcome> run(boolean agent, List<String> commands, StringBuilder log) {
        List<JvmRunner.Outcome> out = new ArrayList<>();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent).name("tls-isolation").start()) {
            for (String c : commands) {
                out.add(app.send(c));
            }
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
            log.append(app.describe());
        }
        return out;
    }

    @Test
    void aLenientClientsConnectionIsNeverHandedToAVerifyingClient() {
        upstream.reset();
        String base = upstream.https();
        List<String> commands = script(base);
        StringBuilder logWithout = new StringBuilder();
        StringBuilder logWith = new StringBuilder();
        List<JvmRunner.Outcome> without = run(false, commands, logWithout);
        List<JvmRunner.Outcome> with = run(true, commands, logWith);

        List<String> problems = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            String mode = commands.get(i).split(" ")[1];
            boolean lenient = LENIENT.contains(mode);
            JvmRunner.Outcome a = without.get(i);
            JvmRunner.Outcome b = with.get(i);
            // the premise, checked on the run without the agent
            if (lenient != a.ok || (!a.ok && !isSslFailure(a))) {
                problems.add("premise broken without the agent: " + commands.get(i) + " -> " + a);
            }
            if (a.ok != b.ok || (!b.ok && !isSslFailure(b))) {
                problems.add(commands.get(i) + "\n    without agent: " + a + "\n    with agent:    " + b);
            }
        }
        assertEquals(List.of(), problems, "outcomes differ (a verifying client must never get a lenient client's connection)\n"
                + "--- with agent:\n" + logWith + "\n--- without agent:\n" + logWithout);
        // the counter saw traffic: the lenient requests really reached the upstream
        int lenientRequests = (int) commands.stream().filter(c -> LENIENT.contains(c.split(" ")[1])).count();
        assertEquals(2 * lenientRequests, upstream.wireMock().getAllServeEvents().size(),
                "only lenient requests may reach WireMock (verifying ones fail in the handshake)");
    }

    private static boolean isSslFailure(JvmRunner.Outcome o) {
        String c = o.errorClass;
        return c.startsWith("javax.net.ssl.") || c.contains("SSL");
    }
}
