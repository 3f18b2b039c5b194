package io.httppool.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.httppool.agent.metrics.CounterSnapshot;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolHealth;
import io.httppool.agent.metrics.PoolSnapshot;
import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.PoolStats;
import io.httppool.agent.testing.MiniJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthReportTest {

    private static final Instant CHECKED = Instant.parse("2025-06-01T12:00:00.250Z");

    private static PoolSnapshot pool(String name, PoolHealth health) {
        return new PoolSnapshot(name, "Apache HttpClient 5 5.5.1", "default", true, new PoolStats(3, 2, 1, 100),
                CounterSnapshot.ZERO, health);
    }

    private static MetricsSnapshot snapshot(PoolSnapshot... pools) {
        return new MetricsSnapshot(Instant.now(), List.of(pools), 0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(MetricsSnapshot snapshot) {
        return (Map<String, Object>) MiniJson.parse(HealthReport.json(snapshot));
    }

    @Test
    void eachPoolIsReportedWithEveryField() {
        Map<String, Object> body = parse(snapshot(pool("apache5/default",
                new PoolHealth(HealthState.DEGRADED, "1 waiting for a connection", CHECKED))));

        Map<String, Object> expectedPool = new LinkedHashMap<>();
        expectedPool.put("name", "apache5/default");
        expectedPool.put("library", "Apache HttpClient 5 5.5.1");
        expectedPool.put("setup", "default");
        expectedPool.put("state", "DEGRADED");
        expectedPool.put("reason", "1 waiting for a connection");
        expectedPool.put("leased", 3L);
        expectedPool.put("available", 2L);
        expectedPool.put("pending", 1L);
        expectedPool.put("max", 100L);
        expectedPool.put("last_check", "2025-06-01T12:00:00.250Z");
        assertEquals(Map.of("status", "UP", "pools", List.of(expectedPool)), body);
    }

    @Test
    void noPoolsIsUp() {
        assertEquals(Map.of("status", "UP", "pools", List.of()), parse(snapshot()));
        assertEquals(200, HealthReport.statusCode(snapshot()));
    }

    @Test
    void healthyAndDegradedPoolsAreUp() {
        MetricsSnapshot snapshot = snapshot(pool("a", new PoolHealth(HealthState.HEALTHY, "ok", CHECKED)),
                pool("b", new PoolHealth(HealthState.DEGRADED, "2 waiting for a connection", CHECKED)));
        assertEquals(200, HealthReport.statusCode(snapshot));
        assertEquals("UP", parse(snapshot).get("status"));
    }

    @Test
    void oneUnhealthyPoolIsDown() {
        MetricsSnapshot snapshot = snapshot(pool("a", new PoolHealth(HealthState.HEALTHY, "ok", CHECKED)),
                pool("b", new PoolHealth(HealthState.UNHEALTHY, "shut down; still not open after recreation", CHECKED)));
        assertEquals(503, HealthReport.statusCode(snapshot));
        assertEquals("DOWN", parse(snapshot).get("status"));
    }

    @Test
    void aPoolNotCheckedYetIsUnknownWithoutLastCheck() {
        MetricsSnapshot snapshot = snapshot(pool("new", PoolHealth.NOT_CHECKED));
        @SuppressWarnings("unchecked")
        Map<String, Object> reported = ((List<Map<String, Object>>) parse(snapshot).get("pools")).get(0);
        assertEquals("UNKNOWN", reported.get("state"));
        assertEquals("not checked yet", reported.get("reason"));
        assertEquals(null, reported.get("last_check"));
        assertEquals(true, reported.containsKey("last_check"));
        assertEquals(200, HealthReport.statusCode(snapshot));
    }

    @Test
    void stringsAreEscaped() {
        String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 unicode é";
        MetricsSnapshot snapshot = snapshot(pool(nasty, new PoolHealth(HealthState.HEALTHY, nasty, CHECKED)));
        @SuppressWarnings("unchecked")
        Map<String, Object> reported = ((List<Map<String, Object>>) parse(snapshot).get("pools")).get(0);
        assertEquals(nasty, reported.get("name"));
        assertEquals(nasty, reported.get("reason"));
    }
}
