package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.SecurityApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.TunnelProxy;
import io.httppool.it.harness.UpstreamTest;

/**
 * Connections through an HTTP proxy are never shared between requests (README, "Connection state is
 * kept"): a CONNECT tunnel, or a plain connection to the proxy, authenticated with one client's proxy
 * credentials would otherwise serve the next client without them. A proxy on loopback requires Basic
 * credentials; per-request clients with {@code setProxy(...)} alternate: one with the credentials (200 from
 * WireMock), one without (407 from the proxy). With the agent, as without it, every request opens its own
 * proxy connection and, over HTTPS, its own tunnel; the client without credentials never gets through.
 * Controls: under the agent the same requests without the proxy do reuse connections, and one long-lived
 * client through the proxy keeps its tunnel, with the agent as without it (so the proxy's counters could see
 * sharing, and the agent does not give up reuse for a client that is kept).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProxyTunnelIT extends UpstreamTest {

    static final int PAIRS = 5;
    static final String CREDENTIALS = "alice:proxy-secret";

    private static TunnelProxy proxy;

    @BeforeAll
    static void startProxy() {
        proxy = TunnelProxy.start("alice", "proxy-secret");
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {false, true})
    void everyRequestThroughTheProxyGetsItsOwnConnectionAndTunnel(boolean agent) {
        List<String> problems = new ArrayList<>();
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).agent(agent).name("proxy-tunnels").start()) {
            for (boolean https : new boolean[] {true, false}) {
                String base = https ? upstream.https() : upstream.http();
                CountingForwarder counter = upstream.counterFor(base);
                proxy.reset();
                upstream.reset();
                for (int i = 0; i < PAIRS; i++) {
                    // with credentials: through the proxy to WireMock
                    JvmRunner.Outcome a = app.send("PROXY " + proxy.port() + " " + CREDENTIALS + " " + base + "/echo?client=A" + i);
                    if (!a.ok || a.status != 200 || !a.body.startsWith("method=GET")) {
                        problems.add(base + ": client with proxy credentials, request " + i + " -> " + a);
                    }
                    // right after, without credentials: the proxy must refuse it (a shared tunnel would let it through)
                    JvmRunner.Outcome b = app.send("PROXY " + proxy.port() + " - " + base + "/echo?client=B" + i);
                    if (!b.ok || b.status != 407) {
                        problems.add(base + ": client WITHOUT proxy credentials, request " + i
                                + " should get the proxy's 407, got " + b);
                    }
                }
                String counts = base + ": " + proxy.describe() + "\n  upstream counter: accepted " + counter.accepted();
                if (proxy.accepted() != 2 * PAIRS) {
                    problems.add("every request on its own proxy connection: expected " + 2 * PAIRS + " accepted\n" + counts);
                }
                if (https && proxy.tunnels() != PAIRS) {
                    problems.add("every authenticated HTTPS request through its own CONNECT tunnel: expected " + PAIRS + " tunnels\n" + counts);
                }
                if (!https && proxy.forwarded() != PAIRS) {
                    problems.add("every authenticated HTTP request on its own forwarded connection: expected " + PAIRS + "\n" + counts);
                }
                if (counter.accepted() != PAIRS) {
                    problems.add("the upstream saw a connection per authenticated request: expected " + PAIRS + "\n" + counts);
                }
                int withoutCredentials = (int) upstream.wireMock().getAllServeEvents().stream()
                        .filter(e -> e.getRequest().getUrl().contains("client=B")).count();
                if (withoutCredentials != 0) {
                    problems.add(withoutCredentials + " requests of the client without credentials reached WireMock\n" + counts);
                }
            }
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + app.describe());
        }
    }

    /**
     * Control: under the agent, the same per-request clients without the proxy reuse one pooled
     * connection, so the counters above would see sharing.
     */
    @Test
    void controlReuseIsVisibleWithoutTheProxy() {
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).withAgent().name("proxy-control-direct").start()) {
            for (boolean https : new boolean[] {true, false}) {
                String base = https ? upstream.https() : upstream.http();
                CountingForwarder counter = upstream.counterFor(base);
                upstream.reset();
                for (int i = 0; i < PAIRS; i++) {
                    expect200(app, "GET " + base + "/echo?direct=" + i);
                }
                assertEquals(1, counter.accepted(), base + ": without the proxy, " + PAIRS
                        + " per-request clients share one pooled connection under the agent\n" + app.describe());
            }
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }

    /**
     * One client kept for several requests through the proxy keeps one proxy connection (and one tunnel),
     * with the agent as without it: the agent keeps a tunnel for the client that opened it, it does not
     * give up reuse. Closing the client closes its tunnel, with the agent as without it.
     */
    @ParameterizedTest(name = "agent={0}")
    @ValueSource(booleans = {false, true})
    void oneClientKeepsItsTunnelAndClosingItClosesIt(boolean agent) throws InterruptedException {
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).agent(agent).name("proxy-one-client").start()) {
            for (boolean https : new boolean[] {true, false}) {
                String base = https ? upstream.https() : upstream.http();
                proxy.reset();
                upstream.reset();
                expect200(app, "PROXYSEQ " + PAIRS + " " + proxy.port() + " " + CREDENTIALS + " " + base + "/echo?seq");
                String counts = base + ": " + proxy.describe() + "\n" + app.describe();
                assertEquals(1, proxy.accepted(), "one client keeps its proxy connection\n" + counts);
                assertEquals(1, https ? proxy.tunnels() : proxy.forwarded(), "and its tunnel (or forwarded connection)\n" + counts);
                assertEquals(PAIRS, upstream.requestsTo("/echo").size(), "all reached WireMock\n" + counts);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (proxy.open() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(0, proxy.open(), "the closed client's proxy connection is closed\n" + proxy.describe() + "\n" + app.describe());
            }
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
        }
    }

    private static void expect200(JvmRunner.Interactive app, String command) {
        JvmRunner.Outcome o = app.send(command);
        if (!o.ok || o.status != 200) {
            throw new AssertionError(command + " -> " + o + "\n" + app.describe());
        }
    }
}
