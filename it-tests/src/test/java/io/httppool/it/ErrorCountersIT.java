package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.SecurityApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.ConnectionIdServer;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.StatusEndpoint;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UntrustedCertificate;

/**
 * The error counters {@code http_client_errors_total{kind="connect"}} and {@code {kind="tls"}} of
 * {@code /metrics} against what the application saw: per-request {@code HttpClients.createDefault()}
 * clients call a closed port (refused: {@code HttpHostConnectException}), an HTTPS upstream whose
 * certificate names another host and one whose certificate nobody trusts (both end in an
 * {@code SSLHandshakeException}: JSSE checks the name during the handshake); then each kind's counter equals the number of failures of that
 * kind the application got, and the other kinds stay 0. The application sees the same failures without
 * the agent. Control: a run with only successful requests reports 0 for both.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ErrorCountersIT {

    static final String POOL = "apache5/default";
    static final int CONNECT_FAILURES = 3;
    static final int WRONG_NAME_FAILURES = 2;
    static final int UNTRUSTED_FAILURES = 2;

    private static Upstream wrongName;
    private static ConnectionIdServer untrusted;
    private static ConnectionIdServer good;

    @BeforeAll
    static void start() {
        wrongName = Upstream.startWithWrongName();
        untrusted = ConnectionIdServer.start(UntrustedCertificate.serverContext());
        good = ConnectionIdServer.start();
    }

    @AfterAll
    static void stop() {
        wrongName.close();
        untrusted.close();
        good.close();
    }

    /** A port nothing listens on (bound once, then closed). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static List<String> failingRequests() throws IOException {
        List<String> commands = new ArrayList<>();
        String closed = "http://127.0.0.1:" + closedPort() + "/ok";
        for (int i = 0; i < 2; i++) {
            commands.add("GET " + good.base() + "/ok");
        }
        for (int i = 0; i < CONNECT_FAILURES; i++) {
            commands.add("GET " + closed);
        }
        for (int i = 0; i < WRONG_NAME_FAILURES; i++) {
            commands.add("GET " + wrongName.https() + "/ok");
        }
        for (int i = 0; i < UNTRUSTED_FAILURES; i++) {
            commands.add("GET " + untrusted.base() + "/ok");
        }
        commands.add("GET " + good.base() + "/ok");
        return commands;
    }

    /**
     * What the application saw, by kind: "ok", "connect" (HttpHostConnectException), "tls" (any
     * javax.net.ssl exception: a wrong name fails inside the JSSE handshake too), or the exception class.
     */
    private static Map<String, Integer> run(JvmRunner.Interactive app, List<String> commands, List<String> transcript) {
        Map<String, Integer> seen = new TreeMap<>();
        for (String c : commands) {
            JvmRunner.Outcome o = app.send(c);
            transcript.add(c + " -> " + o);
            String kind = o.ok ? "ok"
                    : o.errorClass.equals("org.apache.hc.client5.http.HttpHostConnectException") ? "connect"
                    : o.errorClass.startsWith("javax.net.ssl.") ? "tls"
                    : o.errorClass;
            seen.merge(kind, 1, Integer::sum);
        }
        return seen;
    }

    @Test
    void connectAndTlsFailuresAreCountedAsTheApplicationSawThem() throws IOException {
        List<String> commands = failingRequests();
        Map<String, Integer> without;
        List<String> transcript = new ArrayList<>();
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).name("error-counters").start()) {
            without = run(app, commands, transcript);
        }
        Map<String, Integer> expected = new TreeMap<>(Map.of(
                "ok", 3, "connect", CONNECT_FAILURES, "tls", WRONG_NAME_FAILURES + UNTRUSTED_FAILURES));
        assertEquals(expected, without, "premise: what the application sees without the agent\n" + String.join("\n", transcript));

        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).withAgent().name("error-counters")
                .env("HTTP_POOL_STATUS_PORT", "0")
                .start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            Map<String, Integer> with = run(app, commands, new ArrayList<>());
            assertEquals(without, with, "the application sees the same outcomes with the agent\n" + app.describe());
            StatusEndpoint.Metrics metrics = status.metrics();
            String story = "application saw " + with + "\n" + metrics + "\n" + app.describe();
            int connect = with.getOrDefault("connect", 0);
            int tls = with.getOrDefault("tls", 0);
            assertEquals(connect, metrics.pool("http_client_errors_total", POOL, "kind", "connect"),
                    "kind=connect counts the refused connections\n" + story);
            assertEquals(tls, metrics.pool("http_client_errors_total", POOL, "kind", "tls"),
                    "kind=tls counts the failed TLS handshakes (wrong name and untrusted certificate)\n" + story);
            for (String other : List.of("io", "pool_timeout", "fatal")) {
                assertEquals(0, metrics.pool("http_client_errors_total", POOL, "kind", other), "kind=" + other + "\n" + story);
            }
            assertEquals(0, (long) metrics.value("http_pool_agent_suppressed_errors_total"), story);
            AgentLog.assertPoolingOn(app.stderr(), app.describe());
        }
    }

    @Test
    void controlNoFailuresNoErrorCounts() {
        try (JvmRunner.Interactive app = JvmRunner.app(SecurityApp.class).withAgent().name("error-counters-control")
                .env("HTTP_POOL_STATUS_PORT", "0")
                .start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            for (int i = 0; i < 5; i++) {
                JvmRunner.Outcome o = app.send("GET " + good.base() + "/ok");
                assertTrue(o.ok, o + "\n" + app.describe());
            }
            StatusEndpoint.Metrics metrics = status.metrics();
            assertEquals(5, metrics.pool("http_client_requests_total", POOL), "the pool served the requests\n" + metrics);
            for (String kind : List.of("connect", "tls", "io", "pool_timeout", "fatal")) {
                assertEquals(0, metrics.pool("http_client_errors_total", POOL, "kind", kind), "kind=" + kind + "\n" + metrics);
            }
        }
    }
}
