package io.httppool.it.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.TunnelProxy;
import io.httppool.it.harness.UpstreamTest;

/**
 * Connections through an HTTP proxy are never shared between clients (README, "Connection state is kept"),
 * for every pooled library: a CONNECT tunnel, or a plain connection to the proxy, authenticated with one
 * client's Basic proxy credentials must never carry the request of a client without them. A proxy on
 * loopback ({@link TunnelProxy}) requires {@value #CREDENTIALS}; per-request clients of the library
 * ({@code InteractiveApp LPROXY}, {@code ClientLibrary.newProxiedClient}) alternate, over HTTPS (tunnels) and
 * HTTP (forwarded): one with the credentials (200 from WireMock), one without (the proxy's 407, or the
 * library's error for a refused tunnel), with the agent exactly as without it, and no request of a client
 * without credentials reaches WireMock.
 * <p>
 * At the proxy: without the agent every client with credentials authenticates a connection of its own; with
 * the agent the same for the Apache clients (the agent keeps proxied connections per client). For the JDK
 * client and OkHttp the proxy and its authenticator are part of the setup (the client's own key, OkHttp's
 * {@code Address}), so clients with equal proxy credentials may share ({@link #EQUAL_CREDENTIALS_MAY_SHARE}):
 * there the proxy may see fewer authenticated connections, and what stands is that a client without
 * credentials never gets through. Control: one client kept for {@value #SEQUENCE} requests through the proxy
 * authenticates fewer connections than requests (the counters can see reuse), with the agent as without it
 * (with the agent a kept JDK or OkHttp client may even reuse a tunnel of the per-request clients of its setup).
 * <p>
 * The libraries are {@link ConformanceIT#LIBRARIES}; the older-version variants (HttpClient 5.0/5.1, OkHttp
 * 3.14/5.x) run the same hooks as their base library and would double the run time, so they are left out.
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=} is set on every child JVM (both runs): the JDK client
 * refuses Basic for proxy tunnels by default.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ProxyConformanceIT extends UpstreamTest {

    static final int PAIRS = 4;
    static final int SEQUENCE = 5;
    static final String CREDENTIALS = "alice:proxy-secret";
    /** Libraries whose proxy and proxy authenticator are part of the setup: equal ones may share a tunnel. */
    static final Set<String> EQUAL_CREDENTIALS_MAY_SHARE = Set.of("jdk", "okhttp");

    private static TunnelProxy proxy;

    @BeforeAll
    static void startProxy() {
        proxy = TunnelProxy.start("alice", "proxy-secret");
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    static Stream<String> libraries() {
        return ConformanceIT.LIBRARIES.stream();
    }

    /** What one scheme's run saw: the outcomes in order and the proxy's and upstream's counts. */
    record SchemeRun(String base, List<JvmRunner.Outcome> with, List<JvmRunner.Outcome> without, int authenticated,
                     int accepted, int upstreamConnections, long withoutCredentialsAtUpstream, JvmRunner.Outcome sequence,
                     int sequenceAuthenticated, String counts) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void aClientWithoutProxyCredentialsNeverRidesAnotherClientsProxyConnection(String library) {
        List<SchemeRun> without = run(library, false);
        List<SchemeRun> with = run(library, true);
        List<String> problems = new ArrayList<>();
        for (int s = 0; s < without.size(); s++) {
            SchemeRun a = without.get(s);
            SchemeRun b = with.get(s);
            checkOutcomes(a, "without the agent", problems);
            checkOutcomes(b, "with the agent", problems);
            for (int i = 0; i < PAIRS; i++) {
                if (!sameOutcome(a.without().get(i), b.without().get(i))) {
                    problems.add(b.base() + ": client without credentials " + i + ": without the agent " + a.without().get(i)
                            + ", with it " + b.without().get(i));
                }
            }
            if (a.authenticated() != PAIRS) {
                problems.add("premise without the agent: each client with credentials authenticates its own proxy connection, expected "
                        + PAIRS + "\n" + a.counts());
            }
            boolean mayShare = EQUAL_CREDENTIALS_MAY_SHARE.contains(library);
            if (mayShare ? b.authenticated() < 1 || b.authenticated() > PAIRS : b.authenticated() != PAIRS) {
                problems.add("with the agent: " + (mayShare ? "1.." : "") + PAIRS + " authenticated proxy connections"
                        + " (each client with credentials its own" + (mayShare ? ", or shared between EQUAL credentials" : "")
                        + ")\n" + b.counts());
            }
            checkSequence(a, "without the agent", 1, problems);
            // with the agent a kept JDK or OkHttp client may ride the tunnel the per-request clients of its setup opened
            checkSequence(b, "with the agent", mayShare ? 0 : 1, problems);
            System.out.printf("proxy conformance %s %s: per-request %d authenticated proxy connections (%d accepted, upstream %d)"
                            + " without the agent, %d (%d accepted, upstream %d) with it; kept client %d/%d without, %d/%d with;"
                            + " clients without credentials: %s without, %s with%n",
                    library, a.base().startsWith("https") ? "https" : "http", a.authenticated(), a.accepted(), a.upstreamConnections(),
                    b.authenticated(), b.accepted(), b.upstreamConnections(), a.sequenceAuthenticated(), SEQUENCE,
                    b.sequenceAuthenticated(), SEQUENCE, statusOrError(a.without().get(0)), statusOrError(b.without().get(0)));
        }
        assertTrue(problems.isEmpty(), library + ":\n" + String.join("\n", problems));
    }

    /** Both schemes in one JVM of {@code library}, with or without the agent. */
    private List<SchemeRun> run(String library, boolean agent) {
        List<SchemeRun> runs = new ArrayList<>();
        String at = "127.0.0.1:" + proxy.port();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent)
                .sysprop("jdk.http.auth.tunneling.disabledSchemes", "").name("proxy-conformance-" + library).start()) {
            for (boolean https : new boolean[] {true, false}) {
                String base = https ? upstream.https() : upstream.http();
                CountingForwarder counter = upstream.counterFor(base);
                proxy.reset();
                upstream.reset();
                List<JvmRunner.Outcome> with = new ArrayList<>();
                List<JvmRunner.Outcome> without = new ArrayList<>();
                for (int i = 0; i < PAIRS; i++) {
                    with.add(app.send("LPROXY " + library + " " + at + " " + CREDENTIALS + " " + base + "/echo?client=A" + i));
                    // right after, without credentials: a shared tunnel or connection would let it through
                    without.add(app.send("LPROXY " + library + " " + at + " - " + base + "/echo?client=B" + i));
                }
                int authenticated = https ? proxy.tunnels() : proxy.forwarded();
                int accepted = proxy.accepted();
                int upstreamConnections = counter.accepted();
                long reached = upstream.wireMock().getAllServeEvents().stream()
                        .filter(e -> e.getRequest().getUrl().contains("client=B")).count();
                String counts = base + " " + (agent ? "with" : "without") + " the agent: " + proxy.describe()
                        + "\n  upstream connections: " + upstreamConnections;
                // counted as a difference: a reset would wait for the per-request clients' connections to close
                JvmRunner.Outcome sequence = app.send("LPROXYSEQ " + library + " " + SEQUENCE + " " + at + " " + CREDENTIALS + " " + base + "/echo?seq");
                int sequenceAuthenticated = (https ? proxy.tunnels() : proxy.forwarded()) - authenticated;
                counts += "\n  after the kept client: " + proxy.describe() + "\n" + app.describe();
                runs.add(new SchemeRun(base, with, without, authenticated, accepted, upstreamConnections, reached, sequence,
                        sequenceAuthenticated, counts));
            }
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
        }
        return runs;
    }

    private static void checkOutcomes(SchemeRun r, String how, List<String> problems) {
        for (int i = 0; i < PAIRS; i++) {
            JvmRunner.Outcome a = r.with().get(i);
            JvmRunner.Outcome b = r.without().get(i);
            if (!a.ok || a.status != 200 || !a.body.startsWith("method=GET")) {
                problems.add(r.base() + " " + how + ": client with proxy credentials " + i + " -> " + a);
            }
            if (b.ok && b.status == 200) {
                problems.add(r.base() + " " + how + ": client WITHOUT proxy credentials " + i
                        + " got 200: it went through another client's authenticated proxy connection\n" + r.counts());
            } else if (b.ok && b.status != 407) {
                problems.add(r.base() + " " + how + ": client without proxy credentials " + i + ": expected the proxy's 407, got " + b);
            }
        }
        if (r.withoutCredentialsAtUpstream() != 0) {
            problems.add(r.base() + " " + how + ": " + r.withoutCredentialsAtUpstream()
                    + " requests of clients without proxy credentials reached WireMock\n" + r.counts());
        }
    }

    private static void checkSequence(SchemeRun r, String how, int least, List<String> problems) {
        if (!r.sequence().ok || r.sequence().status != 200) {
            problems.add(r.base() + " " + how + ": one kept client, " + SEQUENCE + " requests -> " + r.sequence());
        } else if (r.sequenceAuthenticated() < least || r.sequenceAuthenticated() >= SEQUENCE) {
            problems.add(r.base() + " " + how + ": one kept client reuses its proxy connection (" + least + ".." + (SEQUENCE - 1)
                    + " authenticated for " + SEQUENCE + " requests), saw " + r.sequenceAuthenticated() + "\n" + r.counts());
        }
    }

    /** The same status, or the same exception class (a refused tunnel is an error in some libraries). */
    private static boolean sameOutcome(JvmRunner.Outcome a, JvmRunner.Outcome b) {
        return a.ok == b.ok && (a.ok ? a.status == b.status : a.errorClass.equals(b.errorClass));
    }

    private static String statusOrError(JvmRunner.Outcome o) {
        return o.ok ? String.valueOf(o.status) : o.errorClass;
    }
}
