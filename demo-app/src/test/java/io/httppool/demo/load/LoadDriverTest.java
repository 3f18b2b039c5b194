package io.httppool.demo.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.demo.backend.SessionBackend;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadDriverTest {

    @Test
    void drivesAClosedLoopOverKeepAliveConnections(@TempDir Path dir) throws Exception {
        // The backend serves /sessions/... itself, so it can stand in for the proxy here.
        try (SessionBackend backend = SessionBackend.start(null, 0, 0, 0)) {
            LoadResult result = new LoadDriver(new LoadDriver.Settings(URI.create("http://127.0.0.1:" + backend.httpPort()),
                    3, Duration.ofMillis(200), Duration.ofMillis(700), 10, null)).run();

            assertTrue(result.requests() > 10, result.summary());
            assertEquals(0, result.errors());
            assertTrue(result.p50Millis() > 0 && result.p50Millis() <= result.p99Millis());
            assertTrue(result.windowSeconds() >= 0.69, "window " + result.windowSeconds());
            // one shared pooled client: one connection per concurrent client, not per request
            assertTrue(backend.counters().httpConnections() <= 3, "connections: " + backend.counters().httpConnections());

            Path file = dir.resolve("r.properties");
            new LoadResult(1, 2, 3, 4, 5.5, 6, 7, 8, 9, 10, Map.of("forwarded", 11L)).write(file);
            LoadResult read = LoadResult.read(file);
            assertEquals(11L, read.proxyDelta().get("forwarded"));
            assertEquals(8, read.p99Millis(), 0);
            assertEquals(1 / 5.5, read.requestsPerSecond(), 1e-9);
        }
    }

    @Test
    void countsNon200AnswersAsErrors() throws Exception {
        try (SessionBackend backend = SessionBackend.start(null, 0, 0, 0)) {
            // /sessions/ is the driver's fixed path; a base path in front of it makes the backend answer 404
            LoadResult result = new LoadDriver(new LoadDriver.Settings(URI.create("http://127.0.0.1:" + backend.httpPort() + "/nowhere"),
                    1, Duration.ZERO, Duration.ofMillis(300), 1, null)).run();
            assertEquals(0, result.requests());
            assertTrue(result.errors() > 0);
        }
    }
}
