package io.httppool.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolHealth;
import io.httppool.agent.metrics.PoolHealthRegistry;
import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import io.httppool.agent.testing.FakePool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {

    private static final HealthSettings SETTINGS =
            new HealthSettings(Duration.ofSeconds(60), Duration.ofSeconds(30), 7, Duration.ofSeconds(45));

    private final List<ManagedPool> pools = new CopyOnWriteArrayList<>();
    private final PoolHealthRegistry health = new PoolHealthRegistry();
    private final List<MetricsSnapshot> heard = new CopyOnWriteArrayList<>();
    private HealthMonitor monitor;

    private HealthMonitor monitor(HealthSettings settings, CheckListener... extraListeners) {
        List<CheckListener> listeners = new java.util.ArrayList<>(List.of(extraListeners));
        listeners.add((live, snapshot) -> heard.add(snapshot));
        monitor = new HealthMonitor(settings, () -> List.copyOf(pools), health, HealthRules.standard(), listeners);
        return monitor;
    }

    @AfterEach
    void stopMonitor() {
        if (monitor != null) {
            monitor.stop();
        }
    }

    @Test
    void aCheckMaintainsThePoolAndReportsLongLeases() {
        FakePool pool = new FakePool("fake/maintained");
        pools.add(pool);

        monitor(SETTINGS).runOnce();

        assertEquals(1, pool.maintainCalls.get());
        assertEquals(Duration.ofSeconds(30), pool.lastIdleExpiry);
        assertEquals(7, pool.lastMaxIdle);
        assertEquals(List.of(Duration.ofSeconds(45)), pool.longLeaseThresholds);
        PoolHealth recorded = health.get("fake/maintained");
        assertEquals(HealthState.HEALTHY, recorded.state());
        assertEquals("ok", recorded.reason());
        assertNotNull(recorded.checkedAt());
        assertEquals(1, heard.size());
        assertEquals("fake/maintained", heard.get(0).pools().get(0).name());
    }

    @Test
    void aLeakThresholdOfZeroTurnsLongLeaseReportsOff() {
        FakePool pool = new FakePool("fake/no-leak-report");
        pools.add(pool);

        monitor(new HealthSettings(Duration.ofSeconds(60), Duration.ofSeconds(30), 7, Duration.ZERO)).runOnce();

        assertTrue(pool.longLeaseThresholds.isEmpty());
    }

    @Test
    void aShutDownPoolIsRecreatedOnceAndRecordedAsRecovered() {
        FakePool pool = new FakePool("fake/shut-down").open(false);
        pools.add(pool);

        monitor(SETTINGS).runOnce();

        assertEquals(List.of("shut down"), pool.recreateReasons);
        assertEquals(new PoolHealth(HealthState.DEGRADED, "recreated, was shut down", health.get("fake/shut-down").checkedAt()),
                health.get("fake/shut-down"));

        monitor.runOnce();
        assertEquals(HealthState.HEALTHY, health.get("fake/shut-down").state(), "the fresh pool is open");
        assertEquals(1, pool.recreateReasons.size());
    }

    @Test
    void aPoolThatRecreationDoesNotReopenStaysUnhealthy() {
        FakePool pool = new FakePool("fake/stays-closed").open(false).reopenOnRecreate(false);
        pools.add(pool);
        monitor(SETTINGS);

        monitor.runOnce();
        assertEquals(HealthState.UNHEALTHY, health.get("fake/stays-closed").state());
        assertEquals("shut down; still not open after recreation", health.get("fake/stays-closed").reason());

        monitor.runOnce();
        assertEquals(2, pool.recreateReasons.size(), "one recreation per check");
        assertEquals(HealthState.UNHEALTHY, health.get("fake/stays-closed").state());
        assertTrue(heard.get(1).pools().get(0).health().isDown());
    }

    @Test
    void aPoolUnhealthyAgainRightAfterItsRecreationIsReportedUnhealthy() {
        FakePool pool = new FakePool("fake/closes-again").open(false);
        pools.add(pool);
        monitor(SETTINGS);

        monitor.runOnce();
        pool.open(false); // the library shut the fresh pool down too
        monitor.runOnce();

        assertEquals(2, pool.recreateReasons.size());
        assertEquals(new PoolHealth(HealthState.UNHEALTHY, "shut down (again after the last recreation)",
                health.get("fake/closes-again").checkedAt()), health.get("fake/closes-again"));
    }

    @Test
    void aStalledPoolIsReportedButNeverRecreated() {
        FakePool pool = new FakePool("fake/stalled").stats(4, 0, 3, 4);
        pools.add(pool);
        monitor(SETTINGS);

        monitor.runOnce();
        assertEquals(HealthState.DEGRADED, health.get("fake/stalled").state(), "first check: only waiters are known");
        monitor.runOnce();
        assertEquals(HealthState.DEGRADED, health.get("fake/stalled").state());
        assertTrue(health.get("fake/stalled").reason().startsWith("stalled: all 4 connections leased, 3 waiting, none released in the last "),
                health.get("fake/stalled").reason());
        assertTrue(pool.recreateReasons.isEmpty(), "a second pool would exceed HTTP_MAX_CONNECTIONS while slow requests run");
    }

    @Test
    void countersAreComparedWithThePreviousCheck() {
        FakePool pool = new FakePool("fake/deltas").stats(4, 0, 3, 4);
        pools.add(pool);
        monitor(SETTINGS);
        monitor.runOnce();

        pool.counterHandle().request();
        monitor.runOnce();
        assertEquals("3 waiting for a connection", health.get("fake/deltas").reason(), "a request completed in the interval");

        monitor.runOnce();
        assertTrue(health.get("fake/deltas").reason().startsWith("stalled: "), "none completed in this one");
    }

    @Test
    void failingConnectionsAreReportedNotRecovered() {
        FakePool pool = new FakePool("fake/upstream-down");
        pools.add(pool);
        monitor(SETTINGS);
        monitor.runOnce();

        pool.counterHandle().error(ErrorKind.CONNECT);
        pool.counterHandle().error(ErrorKind.CONNECT);
        monitor.runOnce();
        assertEquals(new PoolHealth(HealthState.DEGRADED, "every new connection failed (2 errors)",
                health.get("fake/upstream-down").checkedAt()), health.get("fake/upstream-down"));

        pool.counterHandle().connectionCreated();
        monitor.runOnce();
        assertEquals(HealthState.HEALTHY, health.get("fake/upstream-down").state(), "the upstream is back");
        assertTrue(pool.recreateReasons.isEmpty());
    }

    @Test
    void aPoolThatThrowsIsRecordedAndDoesNotStopTheOthers() {
        FakePool broken = new FakePool("fake/broken").throwing(true);
        FakePool fine = new FakePool("fake/fine");
        pools.add(broken);
        pools.add(fine);
        long errorsBefore = AgentErrors.suppressedCount();

        monitor(SETTINGS).runOnce();

        assertEquals(HealthState.HEALTHY, health.get("fake/fine").state());
        PoolHealth brokenHealth = health.get("fake/broken");
        assertEquals(HealthState.DEGRADED, brokenHealth.state(), "no evidence against the pool: not DOWN");
        assertTrue(brokenHealth.reason().startsWith("health check failed: java.lang.IllegalStateException"), brokenHealth.reason());
        assertTrue(broken.recreateReasons.isEmpty());
        assertTrue(AgentErrors.suppressedCount() > errorsBefore);
        assertEquals(List.of("fake/fine"), heard.get(0).pools().stream().map(p -> p.name()).toList(),
                "the broken pool's figures cannot be read, so reports leave it out");
    }

    @Test
    void theHealthThreadSurvivesPoolsAndListenersThatThrow() throws InterruptedException {
        FakePool broken = new FakePool("fake/always-broken").throwing(true);
        FakePool fine = new FakePool("fake/keeps-being-checked");
        pools.add(broken);
        pools.add(fine);
        CheckListener throwingListener = (live, snapshot) -> {
            throw new OutOfMemoryError("simulated");
        };
        monitor(new HealthSettings(Duration.ofMillis(10), Duration.ofSeconds(30), 7, Duration.ofSeconds(45)), throwingListener);

        monitor.start();
        monitor.start(); // idempotent: still one thread

        awaitTrue(() -> fine.maintainCalls.get() >= 5 && broken.maintainCalls.get() >= 5 && heard.size() >= 5);
        List<Thread> healthThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(HealthMonitor.THREAD_NAME)).toList();
        assertEquals(1, healthThreads.size());
        assertTrue(healthThreads.get(0).isDaemon());
        assertTrue(healthThreads.get(0).isAlive());

        monitor.stop();
        awaitTrue(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(HealthMonitor.THREAD_NAME)));
    }

    @Test
    void theSweepChecksNewPoolsAtOnceAndForgetsVanishedOnes() {
        monitor(SETTINGS);
        FakePool first = new FakePool("fake/new");
        pools.add(first);

        monitor.sweepNewPools();
        assertEquals(HealthState.HEALTHY, health.get("fake/new").state());
        assertEquals(1, heard.size(), "listeners hear of the new pool");

        monitor.sweepNewPools();
        assertEquals(1, first.maintainCalls.get(), "a known pool waits for the regular check");
        assertEquals(1, heard.size(), "nothing changed: listeners are not told");

        pools.clear();
        monitor.sweepNewPools();
        assertNull(health.get("fake/new").state(), "the verdict of a vanished pool is dropped");
        assertEquals(2, heard.size());
        assertTrue(heard.get(1).pools().isEmpty());
    }

    @Test
    void theRunningMonitorChecksANewPoolWithinASecond() throws InterruptedException {
        FakePool pool = new FakePool("fake/found-by-sweep");
        pools.add(pool);
        monitor(SETTINGS); // full checks only every 60 s: only the sweep can find the pool this soon
        long started = System.nanoTime();
        monitor.start();

        // The promise is one second (NEW_POOL_SWEEP); half a second more for a busy machine. The sweep records
        // the pool's health, then tells the listeners: wait for both (a loaded CI run read the list in between).
        awaitTrue(() -> health.get("fake/found-by-sweep").state() != null && !heard.isEmpty(),
                HealthMonitor.NEW_POOL_SWEEP.plusMillis(500));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(HealthState.HEALTHY, health.get("fake/found-by-sweep").state());
        assertEquals(1, pool.maintainCalls.get(), "one first check, by the sweep");
        assertFalse(heard.isEmpty());
        assertTrue(tookMillis <= 1_500, "checked after " + tookMillis + " ms");
    }

    @Test
    void aMonitorStartedAfterAWaitRunsEachTaskThatMuchSoonerButNeverInThePast() {
        assertEquals(60_000, HealthMonitor.firstIn(60_000, 0));
        assertEquals(59_000, HealthMonitor.firstIn(60_000, 1_000), "the first check keeps its time");
        assertEquals(0, HealthMonitor.firstIn(1_000, 1_000), "housekeeping and the sweep are due at once");
        assertEquals(0, HealthMonitor.firstIn(250, 1_000));
    }

    @Test
    void aMonitorStartedAfterItsFirstCheckWasDueChecksAtOnce() throws InterruptedException {
        // No pools: only a full check tells the listeners (a sweep finds nothing new), and with SETTINGS the first
        // full check is due 60 s after the start, which the set-up is said to have waited already.
        monitor(SETTINGS);
        monitor.start(SETTINGS.interval().toMillis());

        awaitTrue(() -> !heard.isEmpty());
        assertTrue(heard.get(0).pools().isEmpty());
    }

    @Test
    void theSetUpMayWaitUntilTheFirstRunOfAnyKindIsDue() {
        assertEquals(1_000, HealthMonitor.firstRunMillis(Duration.ofSeconds(60)), "the sweep and housekeeping come first");
        assertEquals(250, HealthMonitor.firstRunMillis(Duration.ofMillis(250)), "a check comes first");
        assertEquals(0, HealthMonitor.firstRunMillis(Duration.ZERO));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        awaitTrue(condition, Duration.ofSeconds(10));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within.toMillis() + " ms");
            }
            Thread.sleep(10);
        }
    }
}
