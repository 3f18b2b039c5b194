package io.httppool.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.metrics.CounterSnapshot;
import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import io.httppool.agent.pool.PoolStats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthRulesTest {

    private static final Duration INTERVAL = Duration.ofSeconds(60);
    private final HealthRules rules = HealthRules.standard();

    private static CounterSnapshot counted(long created, long requests, Map<ErrorKind, Long> errors) {
        return new CounterSnapshot(created, 0, requests, 0, 0, 0, 0, 0, 0, 0, errors);
    }

    private static CheckInput later(boolean open, PoolStats stats, CounterSnapshot delta) {
        return new CheckInput(open, stats, delta, INTERVAL);
    }

    @Test
    void anOpenIdlePoolIsHealthy() {
        Verdict verdict = rules.evaluate(later(true, new PoolStats(0, 2, 0, 10), counted(1, 5, Map.of())));
        assertEquals(Verdict.HEALTHY, verdict);
    }

    @Test
    void aClosedPoolIsUnhealthyBecauseShutDown() {
        Verdict verdict = rules.evaluate(later(false, new PoolStats(0, 0, 0, 10), CounterSnapshot.ZERO));
        assertEquals(new Verdict(HealthState.UNHEALTHY, "shut down"), verdict);
    }

    @Test
    void allLeasedWithWaitersAndNoProgressIsStalledNotUnhealthy() {
        // Slow requests look the same as lost leases: reported, never answered with a second pool.
        Verdict verdict = rules.evaluate(later(true, new PoolStats(10, 0, 4, 10), CounterSnapshot.ZERO));
        assertEquals(HealthState.DEGRADED, verdict.state());
        assertEquals("stalled: all 10 connections leased, 4 waiting, none released in the last 60s", verdict.reason());
    }

    @Test
    void requestsEndingInErrorsCountAsProgress() {
        CounterSnapshot timedOutReads = counted(0, 0, Map.of(ErrorKind.IO, 3L));
        Verdict verdict = rules.evaluate(later(true, new PoolStats(10, 0, 4, 10), timedOutReads));
        assertEquals(Verdict.degraded("4 waiting for a connection"), verdict);
    }

    @Test
    void waitersTimingOutAreNoProgress() {
        CounterSnapshot poolTimeouts = counted(0, 0, Map.of(ErrorKind.POOL_TIMEOUT, 7L));
        Verdict verdict = rules.evaluate(later(true, new PoolStats(2, 0, 1, 2), poolTimeouts));
        assertTrue(verdict.reason().startsWith("stalled: "), verdict.reason());
    }

    @Test
    void aNewPoolIsNotWedgedOnItsFirstCheck() {
        // A burst of slow first requests fills a new pool before any completes: no reason to replace it.
        CheckInput first = new CheckInput(true, new PoolStats(10, 0, 4, 10), CounterSnapshot.ZERO, null);
        assertEquals(Verdict.degraded("4 waiting for a connection"), rules.evaluate(first));
    }

    @Test
    void aPoolWithProgressIsNotWedged() {
        Verdict verdict = rules.evaluate(later(true, new PoolStats(10, 0, 4, 10), counted(0, 1, Map.of())));
        assertEquals(HealthState.DEGRADED, verdict.state());
    }

    @Test
    void connectionsAllFailingIsDegraded() {
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        errors.put(ErrorKind.CONNECT, 3L);
        errors.put(ErrorKind.TLS, 2L);
        Verdict verdict = rules.evaluate(later(true, new PoolStats(0, 0, 0, 10), counted(0, 0, errors)));
        assertEquals(Verdict.degraded("every new connection failed (5 errors)"), verdict);
    }

    @Test
    void someConnectionsFailingIsNotReported() {
        Verdict verdict = rules.evaluate(later(true, new PoolStats(0, 1, 0, 10), counted(1, 4, Map.of(ErrorKind.CONNECT, 3L))));
        assertEquals(Verdict.HEALTHY, verdict);
    }

    @Test
    void waitersAloneAreDegraded() {
        Verdict verdict = rules.evaluate(later(true, new PoolStats(3, 0, 1, 10), counted(0, 9, Map.of())));
        assertEquals(Verdict.degraded("1 waiting for a connection"), verdict);
    }

    @Test
    void theWorstVerdictWinsAndTheEarlierRuleOnATie() {
        HealthCheck degraded = input -> Optional.of(Verdict.degraded("first degraded"));
        HealthCheck alsoDegraded = input -> Optional.of(Verdict.degraded("second degraded"));
        HealthCheck unhealthy = input -> Optional.of(Verdict.unhealthy("bad"));
        CheckInput input = later(true, new PoolStats(0, 0, 0, 1), CounterSnapshot.ZERO);

        assertEquals("first degraded", new HealthRules(List.of(degraded, alsoDegraded)).evaluate(input).reason());
        assertEquals("bad", new HealthRules(List.of(degraded, unhealthy, alsoDegraded)).evaluate(input).reason());
    }

    @Test
    void aRuleThatThrowsIsSkipped() {
        HealthCheck broken = input -> {
            throw new IllegalStateException("bug in a rule");
        };
        HealthCheck waiters = new WaitersCheck();
        CheckInput input = later(true, new PoolStats(1, 0, 2, 1), counted(0, 1, Map.of()));
        assertEquals(Verdict.degraded("2 waiting for a connection"), new HealthRules(List.of(broken, waiters)).evaluate(input));
    }
}
