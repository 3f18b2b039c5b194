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
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proxy must forward faithfully in both modes and with every client library: otherwise the
 * comparison would compare different programs instead of ways of holding a client.
 */
class SessionProxyTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Map<String, String> SAVED = new java.util.HashMap<>();
    private static SessionBackend backend;
    private static SSLContext savedDefaultContext;

    @BeforeAll
    static void start() throws Exception {
        SelfSignedCertificate certificate = TestTls.certificate();
        // Exactly how compare starts the proxy JVM: the default client trusts the backend through
        // the standard JSSE properties, no TLS code in the proxy.
        setProperty("javax.net.ssl.trustStore", certificate.trustStore().toString());
        setProperty("javax.net.ssl.trustStorePassword", SelfSignedCertificate.PASSWORD);
        setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        // The JDK client uses SSLContext.getDefault(), which reads those properties once per JVM; in
        // this test JVM it may already exist (this class's own CLIENT made it), so stand in for it
        // with a context that trusts the same written trust store file.
        savedDefaultContext = SSLContext.getDefault();
        SSLContext.setDefault(TestTls.clientContext());
        backend = SessionBackend.start(certificate.serverContext(), 0, 0, 0);
    }

    @AfterAll
    static void stop() {
        backend.close();
        SSLContext.setDefault(savedDefaultContext);
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

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clientsAndModes")
    void forwardsMethodPathQueryHeadersAndStatus(UpstreamClient client, ProxyMode mode) throws Exception {
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), client, mode, 4)) {
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

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clientsAndModes")
    void forwardsRequestBodyAndContentType(UpstreamClient client, ProxyMode mode) throws Exception {
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), client, mode, 4)) {
            HttpResponse<String> response = send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/42/attributes"))
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("user=ada")));
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("\"method\":\"POST\""), response.body());
            assertTrue(response.body().contains("\"body\":\"user=ada\""), response.body());
            assertTrue(response.body().contains("\"content_type\":\"text/plain\""), response.body());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clientsAndModes")
    void passesUpstreamErrorStatusesThroughWithoutCountingThemAsProxyErrors(UpstreamClient client, ProxyMode mode) throws Exception {
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), client, mode, 4)) {
            assertEquals(404, send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/gone/state?status=404"))).statusCode());
            // (not 503: HttpClient's default retry strategy waits a second and retries those)
            assertEquals(500, send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/broken/state?status=500"))).statusCode());
            assertEquals(0, proxy.stats().errorCount());
            assertEquals(2, proxy.stats().forwardedCount());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("clientsAndModes")
    void forwardsOverHttpsTrustingTheWrittenTrustStore(UpstreamClient client, ProxyMode mode) throws Exception {
        URI upstream = URI.create("https://127.0.0.1:" + backend.httpsPort());
        try (SessionProxy proxy = SessionProxy.start(0, upstream, client, mode, 4)) {
            HttpResponse<String> response = send(proxy, HttpRequest.newBuilder(uri(proxy, "/sessions/tls/state")));
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"session\":\"tls\""), response.body());
        }
    }

    @ParameterizedTest
    @EnumSource(UpstreamClient.class)
    void naiveModeOpensAConnectionPerRequestAndPooledModeReusesOne(UpstreamClient client) throws Exception {
        assertEquals(10, upstreamConnectionsFor(client, ProxyMode.NAIVE, 10));
        long pooled = upstreamConnectionsFor(client, ProxyMode.POOLED, 10);
        if (client == UpstreamClient.APACHE5_ASYNC) {
            // The async client completes a request's future before it hands the connection back to its pool,
            // so the next request, sent at once, sometimes opens a second one (the library's own behaviour).
            assertTrue(pooled <= 2, "pooled async client: " + pooled + " connections for 10 requests");
        } else {
            assertEquals(1L, pooled);
        }
    }

    static Stream<Arguments> clientsAndModes() {
        return Stream.of(UpstreamClient.values())
                .flatMap(client -> Stream.of(ProxyMode.values()).map(mode -> Arguments.of(client, mode)));
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
            assertTrue(stats.get("threads") >= 3, "at least main, the server's dispatcher and a worker: " + stats);
            assertTrue(stats.get("peak_threads") >= stats.get("threads"), stats.toString());
        }
    }

    private static long upstreamConnectionsFor(UpstreamClient client, ProxyMode mode, int requests) throws Exception {
        long before = backend.counters().httpConnections();
        try (SessionProxy proxy = SessionProxy.start(0, httpUpstream(), client, mode, 2)) {
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
