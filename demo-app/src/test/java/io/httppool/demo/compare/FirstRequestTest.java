package io.httppool.demo.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.demo.backend.SessionBackend;
import io.httppool.demo.testing.Eventually;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FirstRequestTest {

    @Test
    void timesOneWholeRequestAndRefusesAnythingButA200() throws Exception {
        // The backend serves /sessions/... itself, so it can stand in for the proxy here.
        try (SessionBackend backend = SessionBackend.start(null, 0, 0, 0)) {
            String base = "http://127.0.0.1:" + backend.httpPort();
            long served = backend.counters().requests();
            double millis = FirstRequest.millis(base + "/");
            assertTrue(millis > 0 && millis < 30_000, "millis " + millis);
            assertEquals(served + 1, Eventually.awaitValue(() -> backend.counters().requests(), served + 1),
                    "exactly one request reached the backend");

            // a base path in front of /sessions/ makes the backend answer 404
            IOException e = assertThrows(IOException.class, () -> FirstRequest.millis(base + "/nowhere"));
            assertTrue(e.getMessage().contains("404"), e.getMessage());
        }
    }
}
