package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.KeyingApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.ConnectionIdServer;
import io.httppool.it.harness.JvmRunner;

/**
 * "Connections are shared only between identical connection setups" (README), for the parts of a
 * {@code PoolingHttpClientConnectionManagerBuilder} other than TLS: DNS resolver, scheme-port resolver, socket
 * config, connection factory, pool reuse and concurrency policy. Per-request clients of two setups that differ
 * in one part only send requests in turn (A, B, A, B...) and the server names the connection that served each:
 * with the agent no connection serves both A and B, while the requests of each setup do share one connection
 * (so sharing is visible where it is allowed). Objects made per request with the same class and final fields are
 * one setup; two instances of a class with a mutable field are two. Without the agent every request opens its
 * own connection.
 *
 * <p>One JVM without the agent serves every test; each test has its own JVM with the agent, because the agent
 * pools at most 16 custom setups per JVM (all the setups here together are more).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SetupKeyingIT {

    static final int ROUNDS = 4;
    static final Pattern CONN = Pattern.compile("conn=(\\d+)");

    private static ConnectionIdServer server;
    private static JvmRunner.Interactive withoutAgent;

    @BeforeAll
    static void start() {
        server = ConnectionIdServer.start();
        withoutAgent = JvmRunner.app(KeyingApp.class).name("keying").start();
    }

    @AfterAll
    static void stop() {
        if (withoutAgent != null) {
            withoutAgent.close();
        }
        server.close();
    }

    /**
     * Resolvers of two classes that answer the same, a resolver with a final field made per request, and two
     * instances of a resolver with a mutable field. Control: a plain setup (the JVM's DNS) cannot reach
     * {@value KeyingApp#TEST_HOST}, with the agent as without, even while pooled connections to it exist.
     */
    @Test
    void theDnsResolverKeysThePool() {
        String url = "http://" + KeyingApp.TEST_HOST + ":" + server.port() + "/id";
        checkPart("dns", url, List.of(
                List.of("dns:loopback", "dns:other-loopback"),
                List.of("dns:fixed", "dns:loopback"),
                List.of("dns:counting-1", "dns:counting-2")),
                app -> {
                    JvmRunner.Outcome o = app.send("GET plain " + url);
                    return o.ok || !java.net.UnknownHostException.class.getName().equals(o.errorClass)
                            ? List.of("a plain client must not reach " + KeyingApp.TEST_HOST + " (UnknownHostException), got " + o)
                            : List.of();
                });
    }

    @Test
    void theSchemePortResolverKeysThePool() {
        checkPart("port", server.base() + "/id", List.of(
                List.of("port:default", "port:explicit"),
                List.of("port:counting-1", "port:counting-2")), app -> List.of());
    }

    @Test
    void theSocketConfigKeysThePool() {
        checkPart("socket", server.base() + "/id", List.of(
                List.of("socket:timeout-5s", "socket:timeout-6s"),
                List.of("socket:nodelay-on", "socket:nodelay-off"),
                List.of("socket:resolver-1", "socket:resolver-2")), app -> List.of());
    }

    @Test
    void theConnectionFactoryKeysThePool() {
        checkPart("factory", server.base() + "/id", List.of(
                List.of("factory:default", "factory:buffer-16k"),
                List.of("factory:counting-1", "factory:counting-2")), app -> List.of());
    }

    @Test
    void thePoolPoliciesKeyThePool() {
        checkPart("policy", server.base() + "/id", List.of(
                List.of("reuse:lifo", "reuse:fifo"),
                List.of("concurrency:strict", "concurrency:lax")), app -> List.of());
    }

    /**
     * For each pair of setups: without the agent, a connection per request; with it, no connection serves both
     * setups of a pair and each setup's requests share one. {@code extra} checks more in each JVM and returns
     * what went wrong (the same must hold with and without the agent).
     */
    private static void checkPart(String part, String url, List<List<String>> pairs,
                                  java.util.function.Function<JvmRunner.Interactive, List<String>> extra) {
        List<String> problems = new ArrayList<>();
        StringBuilder stories = new StringBuilder();
        for (List<String> pair : pairs) {
            server.reset();
            List<String[]> served = interleaved(withoutAgent, pair, url);
            stories.append("\nwithout the agent: ").append(story(served));
            Set<String> distinct = new LinkedHashSet<>();
            served.forEach(s -> distinct.add(s[1]));
            if (server.accepted() != served.size() || distinct.size() != served.size()) {
                problems.add("without the agent, " + pair + ": a connection per request expected, the server accepted "
                        + server.accepted() + " for " + served.size() + " requests on " + distinct.size() + " connections");
            }
        }
        extra.apply(withoutAgent).forEach(p -> problems.add("without the agent: " + p));
        assertTrue(problems.isEmpty(), String.join("\n", problems) + stories + "\n" + withoutAgent.describe());

        try (JvmRunner.Interactive app = JvmRunner.app(KeyingApp.class).withAgent().name("keying-" + part).start()) {
            for (List<String> pair : pairs) {
                List<String[]> served = interleaved(app, pair, url);
                stories.append("\nwith the agent: ").append(story(served));
                Set<String> a = connectionsOf(served, pair.get(0));
                Set<String> b = connectionsOf(served, pair.get(1));
                for (String setup : pair) {
                    if (connectionsOf(served, setup).size() != 1) {
                        problems.add("with the agent, the " + ROUNDS + " requests of '" + setup + "' (each on a new client of an"
                                + " equal setup) should share one pooled connection, they used " + connectionsOf(served, setup));
                    }
                }
                Set<String> both = new LinkedHashSet<>(a);
                both.retainAll(b);
                if (!both.isEmpty()) {
                    problems.add("with the agent, connection(s) " + both + " served both '" + pair.get(0) + "' and '" + pair.get(1)
                            + "': setups that differ in their " + part + " part must not share connections");
                }
            }
            extra.apply(app).forEach(p -> problems.add("with the agent: " + p));
            assertTrue(problems.isEmpty(), String.join("\n", problems) + stories + "\n" + app.describe());
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
            // nothing unexpected on stderr: no warning or error of the agent (the 16-setup line, a failed pool look-up),
            // and apart from the agent's lines what the JVM without the agent printed (SLF4J's no-provider notice)
            List<String> agentTrouble = new ArrayList<>();
            agentTrouble.addAll(AgentLog.lines(app.stderr(), AgentLog.TAG, " WARN "));
            agentTrouble.addAll(AgentLog.lines(app.stderr(), AgentLog.TAG, " ERROR "));
            assertEquals(List.of(), agentTrouble, "no agent warnings or errors\n" + app.describe());
            assertEquals(untagged(withoutAgent.stderr()), untagged(app.stderr()),
                    "stderr apart from the agent's lines as without the agent\n" + app.describe());
        }
    }

    private static List<String> untagged(String stderr) {
        List<String> lines = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (!line.isBlank() && !line.contains(AgentLog.TAG)) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** ROUNDS times a request of each setup of {@code pair} in turn: (setup, connection number) per request. */
    private static List<String[]> interleaved(JvmRunner.Interactive app, List<String> pair, String url) {
        List<String[]> served = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (String setup : pair) {
                JvmRunner.Outcome o = app.send("GET " + setup + " " + url);
                if (!o.ok || o.status != 200) {
                    throw new AssertionError("GET " + setup + " -> " + o + "\n" + app.describe());
                }
                Matcher m = CONN.matcher(o.body);
                assertTrue(m.find(), o.body);
                served.add(new String[] {setup, m.group(1)});
            }
        }
        return served;
    }

    private static Set<String> connectionsOf(List<String[]> served, String setup) {
        Set<String> out = new LinkedHashSet<>();
        for (String[] s : served) {
            if (s[0].equals(setup)) {
                out.add(s[1]);
            }
        }
        return out;
    }

    /** "setup -> connection" per request, in order. */
    private static String story(List<String[]> served) {
        StringBuilder sb = new StringBuilder();
        for (String[] s : served) {
            sb.append(' ').append(s[0]).append("->").append(s[1]);
        }
        return sb.toString();
    }
}
