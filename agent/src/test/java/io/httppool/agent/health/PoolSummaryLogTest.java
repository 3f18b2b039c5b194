package io.httppool.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.httppool.agent.metrics.CounterSnapshot;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolHealth;
import io.httppool.agent.metrics.PoolSnapshot;
import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.PoolStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolSummaryLogTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    private static PoolSnapshot pool(String name, HealthState state, String reason, int leased, long created) {
        return new PoolSnapshot(name, "Fake HTTP 1.0", "default", true, new PoolStats(leased, 2, 0, 100),
                new CounterSnapshot(created, 0, 50, 1, 0, 3, 0, 0, 0, 0, Map.of()), new PoolHealth(state, reason, NOW));
    }

    private static MetricsSnapshot snapshot(PoolSnapshot... pools) {
        return new MetricsSnapshot(NOW, List.of(pools), 0);
    }

    @Test
    void aHealthyPoolIsSummarisedOnOneLine() {
        assertEquals("Pool apache5/default: HEALTHY, leased/available/pending/max 3/2/0/100, created 12, recreations 1, leaks 3",
                PoolSummaryLog.summary(pool("apache5/default", HealthState.HEALTHY, "ok", 3, 12)));
    }

    @Test
    void anyOtherStateShowsItsReason() {
        assertEquals("Pool p: DEGRADED (4 waiting for a connection), leased/available/pending/max 3/2/0/100, created 12, recreations 1, leaks 3",
                PoolSummaryLog.summary(pool("p", HealthState.DEGRADED, "4 waiting for a connection", 3, 12)));
    }

    @Test
    void onlyChangedPoolsAreLogged() {
        PoolSummaryLog log = new PoolSummaryLog();
        PoolSnapshot quiet = pool("quiet", HealthState.HEALTHY, "ok", 0, 1);

        assertEquals(2, log.changedLines(snapshot(quiet, pool("busy", HealthState.HEALTHY, "ok", 3, 12))).size());
        assertEquals(List.of("Pool busy: HEALTHY, leased/available/pending/max 4/2/0/100, created 13, recreations 1, leaks 3"),
                log.changedLines(snapshot(quiet, pool("busy", HealthState.HEALTHY, "ok", 4, 13))));
        assertEquals(List.of(), log.changedLines(snapshot(quiet, pool("busy", HealthState.HEALTHY, "ok", 4, 13))));
        assertEquals(List.of("Pool busy is no longer reported: it was unregistered or garbage-collected"),
                log.changedLines(snapshot(quiet)));
        assertEquals(List.of(), log.changedLines(snapshot(quiet)), "said once");
    }
}
