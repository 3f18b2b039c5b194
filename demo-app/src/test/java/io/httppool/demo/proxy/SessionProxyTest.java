package io.httppool.demo.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.demo.backend.SelfSignedCertificate;
import io.httppool.demo.backend.SessionBackend;
import io.httppool.demo.common.Counters;
import io.httppool.demo.testing.TestTls;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The proxy must forward faithfully in both modes: otherwise the comparison would compare two
 * different programs instead of two ways of holding a client.
 */
class SessionProxyTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Map<String, String> SAVED = new java.util.HashMap<>();
    private static SessionBackend backend;

    @BeforeAll
    static void start() throws Exception {
        SelfSignedCertificate certificate = TestTls.certificate();
        // Exactly how compare starts the proxy JVM: the default client trusts the backend through
        // the standard JSSE properties, no TLS code in the proxy.
        setProperty("javax.net.ssl.trustStore", certificate.trustStore().toString());
        setProperty("javax.net.ssl.trustStorePassword", SelfSignedCertificate.PASSWORD);
        setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        backend = SessionBackend.start(certificate.serverContext(), 0, 0, 0);
    }

    @AfterAll
    static void stop() {
        backend.close();
        SAVED.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    private static void setProperty(String name, String value) {
        SAVED.put(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    @ParameterizedTest
    @EnumSource(ProxyMode.class)
    void forwardsMethodPathQueryHeadersAndStatus(ProxyMode mode) throws Exception {
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), mode, 4)) {
            HttpResponse<String> response = send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/abc/state?x=1&y=two"))
                    .header("X-Request-Id", "req-7").GET());
            assertEquals(200, response.statusCode());
            assertEquals("abc", response.headers().firstValue("X-Session-Id").orElse(null));
            assertTrue(response.body().contains("\"path\":\"/sessions/abc/state\""), response.body());
            assertTrue(response.body().contains("\"query\":\"x=1&y=two\""), response.body());
            assertTrue(response.body().contains("\"request_id\":\"req-7\""), response.body());
            assertTrue(response.body().contains("\"method\":\"GET\""), response.body());
        }
    }

    @ParameterizedTest
    @EnumSource(ProxyMode.class)
    void forwardsRequestBodyAndContentType(ProxyMode mode) throws Exception {
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), mode, 4)) {
            HttpResponse<String> response = send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/42/attributes"))
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("user=ada")));
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("\"method\":\"POST\""), response.body());
            assertTrue(response.body().contains("\"body\":\"user=ada\""), response.body());
            assertTrue(response.body().contains("\"content_type\":\"text/plain\""), response.body());
        }
    }

    @ParameterizedTest
    @EnumSource(ProxyMode.class)
    void passesUpstreamErrorStatusesThroughWithoutCountingThemAsProxyErrors(ProxyMode mode) throws Exception {
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), mode, 4)) {
            assertEquals(404, send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/gone/state?status=404"))).statusCode());
            // (not 503: HttpClient's default retry strategy waits a second and retries those)
            assertEquals(500, send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/broken/state?status=500"))).statusCode());
            assertEquals(0, proxy.stats().errorCount());
            assertEquals(2, proxy.stats().forwardedCount());
        }
    }

    @ParameterizedTest
    @EnumSource(ProxyMode.class)
    void forwardsOverHttpsTrustingTheWrittenTrustStore(ProxyMode mode) throws Exception {
        URI upstream = URI.create("https://127.0.0.1:" + backend.httpsPort());
        try (SessionProxy proxy = SessionProxy.start(0, upstream, mode, 4)) {
            HttpResponse<String> response = send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/tls/state")));
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"session\":\"tls\""), response.body());
        }
    }

    @Test
    void naiveModeOpensAConnectionPerRequestAndPooledModeReusesOne() throws Exception {
        assertEquals(10, upstreamConnectionsFor(ProxyMode.NAIVE, 10));
        assertEquals(1, upstreamConnectionsFor(ProxyMode.POOLED, 10));
    }

    @Test
    void unreachableUpstreamIsA502AndCountsAsAnError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (SessionProxy proxy = SessionProxy.start(0, URI.create("http://127.0.0.1:" + closedPort), ProxyMode.NAIVE, 2)) {
            assertEquals(502, send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/x/state"))).statusCode());
            assertEquals(1, proxy.stats().errorCount());
            assertEquals(0, proxy.stats().forwardedCount());
        }
    }

    @Test
    void onlySessionPathsAreForwarded() throws Exception {
        long before = backend.counters().requests();
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), ProxyMode.NAIVE, 2)) {
            assertEquals(404, send(proxy, HttpRequest.newBuilder(uri(proxy, "/other/path"))).statusCode());
        }
        assertEquals(before, backend.counters().requests());
    }

    @Test
    void statsEndpointReportsForwardedRequestsAllocationAndCpu() throws Exception {
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), ProxyMode.POOLED, 2)) {
            send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/a/state")));
            Map<String, Long> stats = Counters.fetch(uri(proxy, "/admin/stats").toString());
            assertEquals(1L, stats.get("forwarded"));
            assertEquals(0L, stats.get("errors"));
            assertTrue(stats.get("allocated_bytes") > 0, stats.toString());
            assertTrue(stats.get("cpu_nanos") > 0, stats.toString());
        }
    }

    private static long upstreamConnectionsFor(ProxyMode mode, int requests) throws Exception {
        long before = backend.counters().httpConnections();
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), mode, 2)) {
            for (int i = 0; i < requests; i++) {
                assertEquals(200, send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/n" + i + "/state"))).statusCode());
            }
        }
        // counted at accept(), so complete once the last answer has arrived
        return backend.counters().httpConnections() - before;
    }

    private static URI httpUpstream() {
        return URI.create("http://127.0.0.1:" + backend.httpPort());
    }

    private static URI uri(SessionProxy proxy, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + proxy.port() + pathAndQuery);
    }

    private static HttpResponse<String> send(SessionProxy proxy, HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
