package io.httppool.demo.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.httppool.demo.backend.SessionBackend;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadDriverTest {

    @Test
    void drivesAClosedLoopOverKeepAliveConnections(@TempDir Path dir) throws Exception {
        // The backend serves /sessions/... itself, so it can stand in for the proxy here.
        try (SessionBackend backend = SessionBackend.start(null, 0, 0, 0)) {
            LoadResult result = new LoadDriver(new LoadDriver.Settings(URI.create("http://127.0.0.1:" + backend.httpPort()),
                    3, Duration.ofMillis(300), Duration.ofMillis(800), 10, null)).run();

            assertTrue(result.requests() > 10, result.summary());
            assertEquals(0, result.errors());
            assertTrue(result.p50Millis() > 0 && result.p50Millis() <= result.p99Millis());
            assertTrue(result.windowSeconds() >= 0.79, "window " + result.windowSeconds());
            // 0.3 s warm-up + 0.8 s window: one whole second (the cut-short last one is left out),
            // holding the warm-up's answers and most of the window's
            assertEquals(1, result.timeline().size(), result.timeline().toString());
            // no stats URL, so no JIT readings: the warm-up is the fixed minimum
            assertFalse(result.jitSettled());
            assertTrue(result.warmupSeconds() >= 0.3 && result.warmupSeconds() < 1.5, "warm-up " + result.warmupSeconds());
            assertEquals(result.requests(), result.firstHalfRequests() + result.secondHalfRequests());
            assertTrue(result.firstHalfRequests() > 0 && result.secondHalfRequests() > 0, result.toString());
            long firstSecond = result.timeline().get(0);
            assertTrue(firstSecond > result.warmupRequests() && firstSecond <= result.warmupRequests() + result.requests(),
                    result.timeline() + " vs warm-up " + result.warmupRequests() + " + window " + result.requests());
            // one shared pooled client: one connection per concurrent client, not per request
            assertTrue(backend.counters().httpConnections() <= 3, "connections: " + backend.counters().httpConnections());

            Path file = dir.resolve("r.properties");
            new LoadResult(1, 2, 3, 4, 5.5, 15, 16, 6, 7, 8, 9, 10, Map.of("forwarded", 11L), Map.of("threads", 57L),
                    List.of(12L, 13L, 14L), 31.5, true).write(file);
            LoadResult read = LoadResult.read(file);
            assertEquals(11L, read.proxyDelta().get("forwarded"));
            assertEquals(Map.of("threads", 57L), read.proxyEnd(), "end-of-window values kept apart from the deltas");
            assertEquals(List.of(12L, 13L, 14L), read.timeline());
            assertEquals(16 / 2.75, read.secondHalfRequestsPerSecond(), 1e-9);
            assertEquals(8, read.p99Millis(), 0);
            assertEquals(1 / 5.5, read.requestsPerSecond(), 1e-9);
            assertEquals(31.5, read.warmupSeconds(), 0);
            assertTrue(read.jitSettled());

            // a file written before the warm-up was: its length unknown, not settled
            Path old = dir.resolve("old.properties");
            Files.write(old, Files.readAllLines(file).stream()
                    .filter(line -> !line.startsWith("warmup_seconds") && !line.startsWith("jit_settled")).toList());
            LoadResult oldRead = LoadResult.read(old);
            assertTrue(Double.isNaN(oldRead.warmupSeconds()), "warm-up " + oldRead.warmupSeconds());
            assertFalse(oldRead.jitSettled());
            assertEquals(List.of(12L, 13L, 14L), oldRead.timeline());
        }
    }

    @Test
    void warmupGoesOnPastTheMinimumUntilTheProxysJitHasBeenIdleForFiveSeconds() throws Exception {
        try (SessionBackend backend = SessionBackend.start(null, 0, 0, 0)) {
            // a JIT that has finished before the first reading: flat from the start, so it ends 5 s in
            LoadResult result = driveWithJit(backend, () -> 1_234, Duration.ofSeconds(30));

            assertTrue(result.jitSettled(), result.summary());
            assertTrue(result.warmupSeconds() >= 5 && result.warmupSeconds() < 8, "warm-up " + result.warmupSeconds());
            assertTimelineCoversWarmupAndWindow(result);
        }
    }

    @Test
    void warmupEndsAtTheCapWhileTheProxysJitStillGrows() throws Exception {
        try (SessionBackend backend = SessionBackend.start(null, 0, 0, 0)) {
            AtomicLong jit = new AtomicLong(100);
            LoadResult result = driveWithJit(backend, () -> jit.addAndGet(7), Duration.ofMillis(1_500));

            assertFalse(result.jitSettled(), result.summary());
            assertTrue(result.warmupSeconds() >= 1.5 && result.warmupSeconds() < 5, "warm-up " + result.warmupSeconds());
            assertTimelineCoversWarmupAndWindow(result);
            assertTrue(result.requests() > 0 && result.errors() == 0, result.summary());
        }
    }

    /**
     * Load at the backend (standing in for the proxy) with a warm-up of 0.3 s to {@code maxWarmup}, a 0.8 s
     * window, and a stats endpoint that reports {@code jit} as the proxy's {@code jit_millis}.
     */
    private static LoadResult driveWithJit(SessionBackend backend, LongSupplier jit, Duration maxWarmup)
            throws IOException, InterruptedException {
        HttpServer stats = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stats.createContext("/admin/stats", exchange -> {
            byte[] body = ("forwarded 1\njit_millis " + jit.getAsLong() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        stats.start();
        try {
            return new LoadDriver(new LoadDriver.Settings(URI.create("http://127.0.0.1:" + backend.httpPort()), 2,
                    Duration.ofMillis(300), maxWarmup, Duration.ofMillis(800), 10,
                    "http://127.0.0.1:" + stats.getAddress().getPort() + "/admin/stats", null)).run();
        } finally {
            stats.stop(0);
        }
    }

    /** The per-second timeline has the whole seconds of the actual warm-up and the window, not of the minimum. */
    private static void assertTimelineCoversWarmupAndWindow(LoadResult result) {
        assertEquals((int) (result.warmupSeconds() + result.windowSeconds()), result.timeline().size(),
                result.timeline() + " after " + result.warmupSeconds() + " s warm-up");
        assertTrue(result.timeline().stream().allMatch(n -> n > 0), result.timeline().toString());
    }

    @Test
    void countsNon200AnswersAsErrors() throws Exception {
        try (SessionBackend backend = SessionBackend.start(null, 0, 0, 0)) {
            // /sessions/ is the driver's fixed path; a base path in front of it makes the backend answer 404
            // A window long enough for a first answer even on a busy machine (300 ms was not, once).
            LoadResult result = new LoadDriver(new LoadDriver.Settings(URI.create("http://127.0.0.1:" + backend.httpPort() + "/nowhere"),
                    1, Duration.ZERO, Duration.ofSeconds(2), 1, null)).run();
            assertEquals(0, result.requests());
            assertTrue(result.errors() > 0, result.summary());
        }
    }
}
