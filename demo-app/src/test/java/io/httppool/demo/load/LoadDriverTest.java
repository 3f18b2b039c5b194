package io.httppool.demo.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.demo.backend.SessionBackend;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
            assertEquals(result.requests(), result.firstHalfRequests() + result.secondHalfRequests());
            assertTrue(result.firstHalfRequests() > 0 && result.secondHalfRequests() > 0, result.toString());
            long firstSecond = result.timeline().get(0);
            assertTrue(firstSecond > result.warmupRequests() && firstSecond <= result.warmupRequests() + result.requests(),
                    result.timeline() + " vs warm-up " + result.warmupRequests() + " + window " + result.requests());
            // one shared pooled client: one connection per concurrent client, not per request
            assertTrue(backend.counters().httpConnections() <= 3, "connections: " + backend.counters().httpConnections());

            Path file = dir.resolve("r.properties");
            new LoadResult(1, 2, 3, 4, 5.5, 15, 16, 6, 7, 8, 9, 10, Map.of("forwarded", 11L), Map.of("threads", 57L),
                    List.of(12L, 13L, 14L)).write(file);
            LoadResult read = LoadResult.read(file);
            assertEquals(11L, read.proxyDelta().get("forwarded"));
            assertEquals(Map.of("threads", 57L), read.proxyEnd(), "end-of-window values kept apart from the deltas");
            assertEquals(List.of(12L, 13L, 14L), read.timeline());
            assertEquals(16 / 2.75, read.secondHalfRequestsPerSecond(), 1e-9);
            assertEquals(8, read.p99Millis(), 0);
            assertEquals(1 / 5.5, read.requestsPerSecond(), 1e-9);
        }
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
