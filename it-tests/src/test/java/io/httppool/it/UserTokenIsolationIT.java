package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.SecurityApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.ConnectionIdServer;
import io.httppool.it.harness.JvmRunner;

/**
 * Connection state (a security property): HttpClient keeps connections per user token (NTLM, client
 * certificates), and the agent must keep that. Per-request {@code HttpClients.createDefault()} clients send
 * requests as "alice", "bob" and anonymously, interleaved; the server says which of its connections served
 * each request. With the agent a connection that carried one identity never carries another (nor an
 * anonymous request) later, while each identity does reuse its own connection (else "no sharing" would
 * prove nothing). Clients without connection state ({@code disableConnectionState()}, their own
 * {@code UserTokenHandler}) get a private connection manager: a connection per request, as without the agent.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UserTokenIsolationIT {

    static final int ROUNDS = 6;
    static final List<String> IDENTITIES = List.of("alice", "bob", "-");
    static final Pattern CONN = Pattern.compile("conn=(\\d+)");

    private static ConnectionIdServer server;

    @BeforeAll
    static void start() {
        server = ConnectionIdServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Who used which server connection, in order: (identity, connection number) per request. */
    private static List<String[]> interleaved(JvmRunner.Interactive app) {
        List<String[]> served = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (String identity : IDENTITIES) {
                JvmRunner.Outcome o = app.send("TOKEN " + identity + " " + server.base() + "/id");
                if (!o.ok || o.status != 200) {
                    throw new AssertionError("TOKEN " + identity + " -> " + o + "\n" + app.describe());
                }
                Matcher m = CONN.matcher(o.body);
                assertTrue(m.find(), o.body);
                served.add(new String[] {identity, m.group(1)});
            }
        }
        return served;
    }

    /** Connections that carried a request of one identity and later one of another (or an anonymous one). */
    private static List<String> crossings(List<String[]> served) {
        Map<String, String> owner = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < served.size(); i++) {
            String identity = served.get(i)[0];
            String conn = served.get(i)[1];
            String before = owner.get(conn);
            if (before != null && !before.equals(identity)) {
                problems.add("request " + i + " as '" + identity + "' on connection " + conn + ", which served '" + before + "' before");
            }
            if (!"-".equals(identity)) {
                owner.put(conn, identity); // an anonymous connection may become an identity's (as in HttpClient), never back
            } else {
                owner.putIfAbsent(conn, identity);
            }
        }
        return problems;
    }

    private static Set<String> connectionsOf(List<String[]> served, String identity) {
        Set<String> out = new LinkedHashSet<>();
        for (String[] s : served) {
            if (s[0].equals(identity)) {
                out.add(s[1]);
            }
        }
        return out;
    }

    private static String story(List<String[]> served) {
        StringBuilder sb = new StringBuilder("requests (identity -> server connection):");
        for (String[] s : served) {
            sb.append(' ').append(s[0]).append("->").append(s[1]);
        }
        return sb.toString();
    }

    @Test
    void connectionsAreKeptPerUserTokenAndReusedWithinOne() {
        // without the agent: a connection per request, so trivially never shared
        server.reset();
        List<String[]> without;
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).name("user-token").start()) {
            without = interleaved(app);
        }
        assertEquals(ROUNDS * IDENTITIES.size(), server.accepted(), "without the agent: one connection per request\n" + story(without));
        assertEquals(List.of(), crossings(without), story(without));

        assertTrue(server.awaitOpenAtMost(0, 10_000), "connections of the run without the agent closed");
        server.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).withAgent().name("user-token").start()) {
            List<String[]> with = interleaved(app);
            String story = story(with) + "\nserver: accepted " + server.accepted() + "\n" + app.describe();
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
            // reuse within an identity happens (the measurement can see sharing)...
            for (String identity : IDENTITIES) {
                assertEquals(1, connectionsOf(with, identity).size(), "with the agent, the " + ROUNDS + " requests as '"
                        + identity + "' (each on a new client) reuse one pooled connection\n" + story);
            }
            // ...and never crosses identities
            assertEquals(List.of(), crossings(with), "a connection that served one user token served another\n" + story);
            assertEquals(IDENTITIES.size(), server.accepted(), "one connection per identity at the server\n" + story);
        }
    }

    /**
     * A client built with {@code disableConnectionState()} or its own {@code UserTokenHandler} gets a private
     * connection manager, with the agent as without it: three requests, three connections at the server. The
     * variants that hand the builder a manager from {@code PoolingHttpClientConnectionManagerBuilder} (the
     * agent's shared one) get it swapped for a private one, which the agent logs once. Control: the default
     * client under the agent reuses one connection for three requests.
     */
    @Test
    void clientsWithoutConnectionStateGetAPrivateManager() {
        List<String> variants = List.of("disabled", "handler", "disabled-manager", "handler-manager");
        for (boolean agent : new boolean[] {false, true}) {
            assertTrue(server.awaitOpenAtMost(0, 10_000), "connections of earlier runs closed");
            try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).agent(agent).name("stateless").start()) {
                List<String> problems = new ArrayList<>();
                if (agent) {
                    server.reset();
                    for (int i = 0; i < 3; i++) {
                        expectOk(app, "TOKEN - " + server.base() + "/id");
                    }
                    if (server.accepted() != 1) {
                        problems.add("control: three default clients under the agent should share one connection, the server accepted "
                                + server.accepted());
                    }
                }
                for (String variant : variants) {
                    server.reset();
                    for (int i = 0; i < 3; i++) {
                        expectOk(app, "STATELESS " + variant + " " + server.base() + "/id");
                    }
                    if (server.accepted() != 3) {
                        problems.add("agent=" + agent + ": three requests of '" + variant
                                + "' clients should open three connections (a private manager each), the server accepted "
                                + server.accepted());
                    }
                }
                if (agent) {
                    AgentLog.assertPoolingOn(app.stderr(), app.describe());
                    List<String> lines = AgentLog.lines(app.stderr(), AgentLog.TAG, "gets a private connection manager");
                    if (lines.size() != 1) {
                        problems.add("expected one INFO line 'gets a private connection manager', got " + lines);
                    }
                }
                assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + app.describe());
            }
        }
    }

    private static void expectOk(JvmRunner.Interactive app, String command) {
        JvmRunner.Outcome o = app.send(command);
        if (!o.ok || o.status != 200) {
            throw new AssertionError(command + " -> " + o + "\n" + app.describe());
        }
    }
}
