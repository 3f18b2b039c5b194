package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.SecurityApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.ConnectionIdServer;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.UntrustedCertificate;

/**
 * TLS isolation by trust material: the upstream's certificate has the right name (127.0.0.1) but is
 * self-signed and in no trust store the client JVM has. A client with its own trust-all {@code SSLContext}
 * succeeds; a client with the same host name verifier but the JVM's default trust material
 * ({@code SSLContext.getDefault()}), and {@code HttpClients.createDefault()}, must fail with an SSL
 * exception, right after the lenient client left its connection idle in the pool and in the other order,
 * with the agent as without it. The server answers no request of a verifying client (they never get past
 * the handshake), and under the agent the lenient client's requests do share one connection (so a verifying
 * client had a pooled, already trusted connection to the same host:port within reach).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TlsTrustIsolationIT {

    static final List<String> LENIENT_FIRST = List.of("trustall", "verifying", "default", "trustall", "verifying", "default", "trustall");
    static final List<String> VERIFYING_FIRST = List.of("verifying", "default", "trustall", "verifying", "trustall", "default", "trustall");

    private static ConnectionIdServer server;

    @BeforeAll
    static void start() {
        server = ConnectionIdServer.start(UntrustedCertificate.serverContext());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<JvmRunner.Outcome> run(boolean agent, List<String> kinds, StringBuilder log) {
        List<JvmRunner.Outcome> out = new ArrayList<>();
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).agent(agent).name("tls-trust").start()) {
            for (String kind : kinds) {
                out.add(app.send("TLS " + kind + " " + server.base() + "/id"));
            }
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
            log.append(app.describe());
        }
        return out;
    }

    @ParameterizedTest(name = "lenient client first: {0}")
    @ValueSource(booleans = {true, false})
    void onlyTheClientWithItsOwnTrustMaterialGetsThrough(boolean lenientFirst) {
        List<String> kinds = lenientFirst ? LENIENT_FIRST : VERIFYING_FIRST;
        int lenient = (int) kinds.stream().filter("trustall"::equals).count();
        List<String> problems = new ArrayList<>();

        assertTrue(server.awaitOpenAtMost(0, 10_000), "connections of earlier runs closed");
        server.reset();
        StringBuilder logWithout = new StringBuilder();
        List<JvmRunner.Outcome> without = run(false, kinds, logWithout);
        int servedWithout = server.requests();

        assertTrue(server.awaitOpenAtMost(0, 10_000), "connections of the run without the agent closed");
        server.reset();
        StringBuilder logWith = new StringBuilder();
        List<JvmRunner.Outcome> with = run(true, kinds, logWith);
        int servedWith = server.requests();
        int acceptedWith = server.accepted();

        Set<String> lenientConnections = new LinkedHashSet<>();
        for (int i = 0; i < kinds.size(); i++) {
            boolean trustAll = kinds.get(i).equals("trustall");
            JvmRunner.Outcome a = without.get(i);
            JvmRunner.Outcome b = with.get(i);
            if (trustAll != a.ok || (!a.ok && !isSslFailure(a))) {
                problems.add("premise broken without the agent: request " + i + " (" + kinds.get(i) + ") -> " + a);
            }
            if (a.ok != b.ok || (!b.ok && !isSslFailure(b))) {
                problems.add("request " + i + " (" + kinds.get(i) + ")\n    without agent: " + a + "\n    with agent:    " + b);
            }
            if (trustAll && b.ok) {
                lenientConnections.add(b.body.split(" ")[0]);
            }
        }
        if (servedWithout != lenient || servedWith != lenient) {
            problems.add("the server must answer only the " + lenient + " lenient requests: answered " + servedWithout
                    + " without the agent, " + servedWith + " with it");
        }
        if (lenientConnections.size() != 1) {
            problems.add("under the agent the lenient client's " + lenient + " requests should share one pooled connection"
                    + " (else no trusted connection was within reach of the verifying clients): " + lenientConnections
                    + ", the server accepted " + acceptedWith);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems)
                + "\n--- with agent:\n" + logWith + "\n--- without agent:\n" + logWithout);
        assertEquals(kinds.size() - lenient + 1, acceptedWith,
                "with the agent: one connection for the lenient client, one (failed handshake) per verifying request");
    }

    private static boolean isSslFailure(JvmRunner.Outcome o) {
        String c = o.errorClass;
        return c.startsWith("javax.net.ssl.") || c.contains("SSL");
    }
}
