package io.httppool.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.metrics.CounterSnapshot;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolHealth;
import io.httppool.agent.metrics.PoolSnapshot;
import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.PoolStats;
import io.httppool.agent.testing.MiniJson;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatusServerTest {

    private final AtomicReference<HealthState> state = new AtomicReference<>(HealthState.HEALTHY);
    private StatusServer server;

    /** One response, read over a real loopback connection (HttpURLConnection: no client under test here). */
    private record Answer(int status, String contentType, String body) {
    }

    private MetricsSnapshot figures() {
        PoolSnapshot pool = new PoolSnapshot("apache5/default", "Apache HttpClient 5 5.5.1", "default", true,
                new PoolStats(1, 4, 0, 100), new CounterSnapshot(5, 0, 77, 0, 0, 0, 0, 0, 0, 0, Map.of()),
                new PoolHealth(state.get(), "because", Instant.parse("2025-06-01T12:00:00Z")));
        return new MetricsSnapshot(Instant.now(), List.of(pool), 0);
    }

    @BeforeEach
    void startServer() {
        server = StatusServer.start("127.0.0.1", 0, this::figures);
        assertNotNull(server);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    private Answer call(String method, String path) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(5_000);
        if (method.equals("POST")) {
            connection.setDoOutput(true);
            connection.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
        }
        int status = connection.getResponseCode();
        var stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        String body = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        connection.disconnect();
        return new Answer(status, connection.getContentType(), body);
    }

    @Test
    void bindsToTheLoopbackAddressAsked() {
        assertEquals("127.0.0.1", server.address().getAddress().getHostAddress());
        assertTrue(server.address().getPort() > 0);
    }

    @Test
    void healthAnswers200WhileNoPoolIsUnhealthy() throws IOException {
        Answer answer = call("GET", "/health");
        assertEquals(200, answer.status());
        assertEquals("application/json; charset=utf-8", answer.contentType());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) MiniJson.parse(answer.body());
        assertEquals("UP", body.get("status"));

        state.set(HealthState.DEGRADED);
        assertEquals(200, call("GET", "/health?verbose").status());
    }

    @Test
    void healthAnswers503WhenAPoolIsUnhealthy() throws IOException {
        state.set(HealthState.UNHEALTHY);
        Answer answer = call("GET", "/health");
        assertEquals(503, answer.status());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) MiniJson.parse(answer.body());
        assertEquals("DOWN", body.get("status"));
    }

    @Test
    void metricsAnswersThePrometheusTextFormat() throws IOException {
        Answer answer = call("GET", "/metrics");
        assertEquals(200, answer.status());
        assertTrue(answer.contentType().startsWith("text/plain; version=0.0.4"), answer.contentType());
        assertTrue(answer.body().contains("\nhttp_client_requests_total{pool=\"apache5/default\"} 77\n"), answer.body());
    }

    @Test
    void anythingElseIs404() throws IOException {
        assertEquals(404, call("GET", "/").status());
        assertEquals(404, call("GET", "/health/").status());
        assertEquals(404, call("GET", "/metricsx").status());
        assertEquals(404, call("POST", "/health").status());
        assertEquals(404, call("DELETE", "/metrics").status());
    }

    @Test
    void aFailingReportAnswers500AndTheServerKeepsServing() throws IOException {
        StatusServer failing = StatusServer.start("127.0.0.1", 0, () -> {
            throw new IllegalStateException("figures unavailable");
        });
        try {
            URI uri = URI.create("http://127.0.0.1:" + failing.address().getPort() + "/health");
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            assertEquals(500, connection.getResponseCode());
            connection.disconnect();
        } finally {
            failing.stop();
        }
        assertEquals(200, call("GET", "/health").status());
    }

    @Test
    void aPortInUseIsReportedAndReturnsNull() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertNull(StatusServer.start("127.0.0.1", taken.getLocalPort(), this::figures));
        }
    }

    @Test
    void itsThreadsAreDaemons() {
        // The JDK server's dispatcher is named HTTP-Dispatcher; a non-daemon one would keep the JVM from exiting.
        List<Thread> serverThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HTTP-Dispatcher") || t.getName().startsWith(StatusServer.THREAD_NAME))
                .toList();
        assertTrue(!serverThreads.isEmpty());
        for (Thread thread : serverThreads) {
            assertTrue(thread.isDaemon(), thread.getName() + " is a daemon");
        }
    }
}
