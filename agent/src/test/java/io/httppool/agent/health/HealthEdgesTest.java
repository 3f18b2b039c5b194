package io.httppool.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.metrics.CounterSnapshot;
import io.httppool.agent.metrics.PoolHealthRegistry;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import io.httppool.agent.pool.PoolStats;
import io.httppool.agent.testing.FakePool;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Health rules at their edges, and the monitor's housekeeping. */
class HealthEdgesTest {

    private static CheckInput input(PoolStats stats, PoolCounters counters, Duration elapsed) {
        return new CheckInput(true, stats, CounterSnapshot.of(counters).minus(CounterSnapshot.ZERO), elapsed);
    }

    @Test
    void leaseActivityCountsRequestsAndEveryFailureOnAConnection() {
        PoolCounters counters = new PoolCounters();
        counters.request();
        for (int i = 0; i < 2; i++) {
            counters.error(ErrorKind.CONNECT);
        }
        for (int i = 0; i < 4; i++) {
            counters.error(ErrorKind.TLS);
        }
        for (int i = 0; i < 8; i++) {
            counters.error(ErrorKind.IO);
        }
        for (int i = 0; i < 16; i++) {
            counters.error(ErrorKind.FATAL);
        }
        counters.error(ErrorKind.POOL_TIMEOUT); // a waiter giving up moved no lease
        assertEquals(31, input(new PoolStats(0, 0, 0, 10), counters, Duration.ofSeconds(1)).leaseActivity());
    }

    @Test
    void aPoolWithNoRoomAtAllIsNotStalled() {
        WedgedPoolCheck check = new WedgedPoolCheck();
        assertEquals(Optional.empty(), check.evaluate(input(new PoolStats(0, 0, 2, 0), new PoolCounters(), Duration.ofSeconds(1))),
                "max 0: nothing to judge");
        assertTrue(check.evaluate(input(new PoolStats(1, 0, 2, 1), new PoolCounters(), Duration.ofSeconds(1))).isPresent(),
                "the only connection leased, requests waiting, nothing moved");
    }

    @Test
    void overflowsSinceTheLastCheckDegradeThePool() {
        OverflowCheck check = new OverflowCheck();
        PoolCounters counters = new PoolCounters();
        assertEquals(Optional.empty(), check.evaluate(input(new PoolStats(0, 0, 0, 3), counters, Duration.ofSeconds(1))));
        counters.overflowed();
        assertEquals("overflow: 1 request above HTTP_MAX_CONNECTIONS=3 in the last interval",
                check.evaluate(input(new PoolStats(0, 0, 0, 3), counters, Duration.ofSeconds(1))).orElseThrow().reason());
        counters.overflowed();
        assertEquals("overflow: 2 requests above HTTP_MAX_CONNECTIONS=3 in the last interval",
                check.evaluate(input(new PoolStats(0, 0, 0, 3), counters, Duration.ofSeconds(1))).orElseThrow().reason());
    }

    @Test
    void aStalledPoolIsReportedWithTheTimeSinceThePreviousCheck() throws InterruptedException {
        FakePool pool = new FakePool("fake/stalled-for").stats(2, 0, 1, 2);
        PoolHealthRegistry health = new PoolHealthRegistry();
        HealthMonitor monitor = new HealthMonitor(new HealthSettings(Duration.ofSeconds(60), Duration.ofSeconds(30), 7, Duration.ZERO),
                () -> List.<ManagedPool>of(pool), health, HealthRules.standard(), List.of());
        monitor.runOnce();
        long before = System.nanoTime();
        Thread.sleep(200);
        monitor.runOnce();
        double upperSeconds = (System.nanoTime() - before) / 1e9 + 0.05;
        String reason = health.get("fake/stalled-for").reason();
        String shown = reason.substring(reason.lastIndexOf(' ') + 1, reason.length() - 1);
        double seconds = new BigDecimal(shown).doubleValue();
        assertTrue(seconds >= 0.19 && seconds <= upperSeconds, reason);
    }

    @Test
    void housekeepingReachesEveryPoolEvenWhenOneThrows() {
        FakePool broken = new FakePool("fake/broken-housekeeping").throwing(true);
        FakePool fine = new FakePool("fake/housekept");
        HealthMonitor monitor = new HealthMonitor(new HealthSettings(Duration.ofSeconds(60), Duration.ofSeconds(30), 7, Duration.ZERO),
                () -> List.<ManagedPool>of(broken, fine), new PoolHealthRegistry(), HealthRules.standard(), List.of());
        monitor.housekeep();
        monitor.housekeep();
        assertEquals(2, broken.housekeepCalls.get());
        assertEquals(2, fine.housekeepCalls.get());
    }
}
