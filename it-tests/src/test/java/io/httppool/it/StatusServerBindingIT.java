package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.StatusEndpoint;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * README "Status server" and HTTP_POOL_STATUS_HOST: a port that cannot be bound costs one ERROR line naming
 * host and port, and nothing else (requests succeed, pooled, counted at the server; no "listening" line);
 * {@code 0.0.0.0} listens on every address (reachable on 127.0.0.1 and on a non-loopback address of the
 * machine, where the default 127.0.0.1 server is not: the control); {@code ::1} and {@code [::1]} listen on
 * the IPv6 loopback (reachable on [::1], not on 127.0.0.1), skipped where the machine has none.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StatusServerBindingIT extends UpstreamTest {

    static final String POOL = "apache5/default";
    static final int REQUESTS = 5;

    @Test
    void aStatusPortAlreadyTakenIsOneErrorLineAndTheApplicationAndPoolingCarryOn() throws IOException {
        CountingForwarder counter = upstream.newCounter(false);
        String get = "REQ default GET " + Upstream.baseOf(counter, false) + "/ok";

        // without the agent: a connection per request (what "pooling is on" must beat below)
        upstream.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).name("status-port-taken").start()) {
            for (int i = 0; i < REQUESTS; i++) {
                assertTrue(app.send(get).ok, app.describe());
            }
        }
        int acceptedWithout = counter.accepted();

        upstream.reset();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("status-port-taken")
                    .env("HTTP_POOL_STATUS_PORT", String.valueOf(port))
                    .start()) {
                List<String> errors = AgentLog.await(app::stderr, Duration.ofSeconds(30), AgentLog.TAG, " ERROR ", "Status server");
                for (int i = 0; i < REQUESTS; i++) {
                    JvmRunner.Outcome o = app.send(get);
                    assertTrue(o.ok && "ok".equals(o.body), "the application's requests succeed: " + o + "\n" + app.describe());
                }
                String stderr = app.stderr();
                String report = "port " + port + " taken by the test; connections accepted without the agent " + acceptedWithout
                        + ", with it " + counter.accepted() + "\n" + app.describe();
                System.out.println("status port taken: " + errors + "\nconnections without agent " + acceptedWithout
                        + ", with agent " + counter.accepted());
                assertEquals(1, errors.size(), "one ERROR line about the status server\n" + report);
                String error = errors.get(0);
                assertTrue(error.contains("127.0.0.1") && error.contains("port " + port), "the ERROR line names host and port: "
                        + error);
                assertEquals(1, AgentLog.lines(stderr, AgentLog.TAG, " ERROR ").size(), "no other ERROR line\n" + report);
                assertEquals(List.of(), AgentLog.lines(stderr, "Status server listening"), "no 'listening' line\n" + report);
                AgentLog.assertPoolingOn(stderr, app.describe());
                assertEquals(REQUESTS, acceptedWithout, "premise: without the agent, a connection per request\n" + report);
                assertEquals(1, counter.accepted(), "pooling is on: " + REQUESTS + " sequential requests on one connection\n" + report);
                assertFalse(taken.isClosed(), "the test still holds the port");
            }
        }
    }

    @Test
    void statusHostAnyAddressIsReachableOnLoopbackAndOnTheMachinesOtherAddresses() {
        InetAddress other = nonLoopbackIpv4();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("status-host-any")
                .env("HTTP_POOL_STATUS_PORT", "0")
                .env("HTTP_POOL_STATUS_HOST", "0.0.0.0")
                .start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            // A dual-stack JVM binds 0.0.0.0 as the IPv6 wildcard; the line still says 0.0.0.0, what was configured.
            assertEquals("0.0.0.0", status.loggedHost(),
                    "the listening line names the wildcard address, not " + status.loggedHost() + "\n" + app.describe());
            assertTrue(app.send("REQ default GET " + upstream.http() + "/ok").ok, app.describe());
            StatusEndpoint.Health h = status.via("127.0.0.1").health();
            assertEquals(200, h.reply.status, h.toString());
            assertEquals("UP", h.status(), h.toString());
            if (other != null) {
                StatusEndpoint.Health outside = status.via(other.getHostAddress()).health();
                assertEquals(200, outside.reply.status, "bound to 0.0.0.0: reachable on " + other.getHostAddress() + " too\n" + outside);
                assertTrue(outside.reply.body.contains("\"pools\""), outside.toString());
            }
        }
        if (other == null) {
            Assumptions.abort("0.0.0.0 was reachable on 127.0.0.1; this machine has no non-loopback IPv4 address to show"
                    + " it is reachable elsewhere too (and that the default 127.0.0.1 is not)");
        }
        // control: the default (127.0.0.1) is not reachable on that address, so the check above can fail
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("status-host-default")
                .env("HTTP_POOL_STATUS_PORT", "0")
                .start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            assertEquals("127.0.0.1", status.loggedHost(), app.describe());
            assertEquals(200, status.health().reply.status, app.describe());
            assertFalse(isOurStatusServer(other.getHostAddress(), status.port()), "control: a status server on the default"
                    + " 127.0.0.1 must not answer on " + other.getHostAddress() + "\n" + app.describe());
        }
    }

    @ParameterizedTest(name = "HTTP_POOL_STATUS_HOST={0}")
    @ValueSource(strings = {"::1", "[::1]"})
    void statusHostIpv6LoopbackIsReachableOnIpv6LoopbackOnly(String host) {
        Assumptions.assumeTrue(hasIpv6Loopback(), "this machine has no IPv6 loopback (::1 cannot be bound): nothing to test");
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("status-host-ipv6")
                .env("HTTP_POOL_STATUS_PORT", "0")
                .env("HTTP_POOL_STATUS_HOST", host)
                .start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            assertEquals("[0:0:0:0:0:0:0:1]", status.loggedHost(), "the listening line names the IPv6 loopback\n" + app.describe());
            assertTrue(app.send("REQ default GET " + upstream.http() + "/ok").ok, app.describe());
            StatusEndpoint.Health h = status.via("[::1]").health();
            assertEquals(200, h.reply.status, h.toString());
            assertEquals("UP", h.status(), h.toString());
            assertTrue(h.reply.body.contains("\"pools\""), h.toString());
            assertEquals(List.of(), AgentLog.lines(app.stderr(), AgentLog.TAG, " ERROR "), app.describe());
            assertFalse(isOurStatusServer("127.0.0.1", status.port()), "bound to " + host + ", it must not answer on 127.0.0.1\n"
                    + app.describe());
        }
    }

    /** True when {@code host:port} answers GET /health like the agent (a refused connection is false). */
    static boolean isOurStatusServer(String host, int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host + ":" + port + "/health").toURL().openConnection();
            c.setConnectTimeout(3000);
            c.setReadTimeout(5000);
            int code = c.getResponseCode();
            java.io.InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            c.disconnect();
            return body.contains("\"pools\"");
        } catch (IOException refused) {
            return false;
        }
    }

    static boolean hasIpv6Loopback() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** An IPv4 address of this machine that is not loopback (and is up), or null. */
    static InetAddress nonLoopbackIpv4() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a;
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
