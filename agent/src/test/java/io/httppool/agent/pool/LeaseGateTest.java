package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The limit and what happens at it. Real time here: the waits are tens of milliseconds. */
class LeaseGateTest {

    @Test
    void overflowAdmitsBeyondTheLimitAfterABriefWaitAndCountsIt() throws Exception {
        LeaseGate gate = new LeaseGate(2, 2, LeaseGate.OnExhausted.OVERFLOW, Clock.SYSTEM);
        LeaseGate.Permit a = gate.acquire("r", 0);
        LeaseGate.Permit b = gate.acquire("r", 0);
        assertFalse(a.overflow() || b.overflow());
        long start = System.nanoTime();
        LeaseGate.Permit c = gate.acquire("r", TimeUnit.SECONDS.toNanos(5));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(c.overflow());
        assertTrue(waited >= LeaseGate.OVERFLOW_AFTER_MILLIS - 5 && waited < 1_000, "waited " + waited + " ms, not the pool timeout");
        assertEquals(3, gate.leased());
        assertEquals(1, gate.overflows());
        assertEquals(3, gate.peak());
        gate.release(c);
        gate.release(b);
        gate.release(a);
        assertEquals(0, gate.leased());
    }

    @Test
    void aPlaceFreedWhileWaitingIsTakenWithoutOverflow() throws Exception {
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.OVERFLOW, Clock.SYSTEM);
        LeaseGate.Permit held = gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> waiter = waiterOn(gate);
        gate.release(held);
        LeaseGate.Permit got = waiter.get(5, TimeUnit.SECONDS);
        assertFalse(got.overflow(), "the released place went to the waiter");
        assertEquals(0, gate.overflows());
    }

    @Test
    void aNewcomerNeverTakesThePlaceOfARequestAlreadyWaiting() throws Exception {
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.OVERFLOW, Clock.SYSTEM);
        LeaseGate.Permit held = gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> waiter = waiterOn(gate);
        gate.release(held);
        // The releasing thread asks again at once, before the woken waiter runs: it must queue behind it.
        LeaseGate.Permit newcomer = gate.acquire("r", 0);
        LeaseGate.Permit first = waiter.get(5, TimeUnit.SECONDS);
        assertFalse(first.overflow(), "the freed place went to the request that waited for it");
        assertTrue(newcomer.overflow(), "the newcomer waited its turn, then went beyond the limit");
        assertEquals(1, gate.overflows());
    }

    @Test
    void aWaiterInAMovingQueueKeepsItsTurnAndOverflowsOnlyOnceThePoolStalls() throws Exception {
        ManualClock clock = new ManualClock();
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.OVERFLOW, clock);
        LeaseGate.Permit held = gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> first = waiterOn(gate);
        CompletableFuture<LeaseGate.Permit> second = waiterOn(gate);
        clock.advanceMillis(40);
        gate.release(held); // the queue moves: the first waiter gets the place
        assertFalse(first.get(5, TimeUnit.SECONDS).overflow());
        clock.advanceMillis(20); // the second has waited 60 ms, but a place was freed 20 ms ago
        Thread.sleep(3 * LeaseGate.OVERFLOW_AFTER_MILLIS); // its real-time waits run out and it looks again
        assertFalse(second.isDone(), "still in line: the pool is moving");
        clock.advanceMillis(LeaseGate.OVERFLOW_AFTER_MILLIS); // now nothing was freed for more than the limit
        assertTrue(second.get(5, TimeUnit.SECONDS).overflow(), "a stalled pool lets it go ahead on an extra connection");
        assertEquals(1, gate.overflows());
    }

    @Test
    void aReleaseHandsItsPlaceToTheFirstInLineWithoutWaitingForItToWake() throws Exception {
        LeaseGate gate = new LeaseGate(2, 2, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
        LeaseGate.Permit a = gate.acquire("r", 0);
        LeaseGate.Permit b = gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> first = waiterOn(gate);
        CompletableFuture<LeaseGate.Permit> second = waiterOn(gate);
        gate.release(a);
        gate.release(b);
        // Both places are given within release(), before either waiter's thread has run again: the line
        // moves at the pace of releases, not of thread wake-ups (a waiter that had to wake to take its place
        // left it unused meanwhile, and the next in line waited for that wake-up too).
        assertEquals(2, gate.leased(), "both places already belong to the two waiters");
        assertFalse(first.get(5, TimeUnit.SECONDS).overflow());
        assertFalse(second.get(5, TimeUnit.SECONDS).overflow());
        assertEquals(0, gate.waiting());
    }

    @Test
    void whileLeasesAreOpeningTheirConnectionsTheirPlacesAreNotCountedAsStalled() throws Exception {
        ManualClock clock = new ManualClock();
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.OVERFLOW, clock);
        LeaseGate.Permit held = gate.acquire("r", 0);
        gate.connectStarted(); // a cold JVM's TLS handshake: slow, but the place is about to move
        CompletableFuture<LeaseGate.Permit> waiter = waiterOn(gate);
        clock.advanceMillis(3 * LeaseGate.OVERFLOW_AFTER_MILLIS);
        Thread.sleep(3 * LeaseGate.OVERFLOW_AFTER_MILLIS); // its real-time waits run out and it looks again
        assertFalse(waiter.isDone(), "no overflow while the held place's connection is being opened");
        gate.connectEnded(); // progress: the stall clock starts again from here
        clock.advanceMillis(LeaseGate.OVERFLOW_AFTER_MILLIS - 10);
        Thread.sleep(2 * LeaseGate.OVERFLOW_AFTER_MILLIS);
        assertFalse(waiter.isDone(), "a connection opened less than the limit ago");
        clock.advanceMillis(20); // now the open connection's request has held the place longer than the limit
        assertTrue(waiter.get(5, TimeUnit.SECONDS).overflow(), "held by a slow request: the waiter goes ahead");
        gate.release(held);
    }

    @Test
    void connectionsBeingOpenedDoNotExtendTheCap() throws Exception {
        ManualClock clock = new ManualClock();
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.OVERFLOW, clock);
        gate.acquire("r", 0);
        gate.connectStarted(); // a connect that hangs (an unreachable host): never longer than the cap
        CompletableFuture<LeaseGate.Permit> waiter = waiterOn(gate);
        clock.advanceMillis(LeaseGate.OVERFLOW_MAX_WAIT_MILLIS + 1);
        assertTrue(waiter.get(5, TimeUnit.SECONDS).overflow());
        assertEquals(1, gate.connecting());
    }

    @Test
    void noWaiterWaitsLongerThanTheCapEvenInAMovingQueue() throws Exception {
        ManualClock clock = new ManualClock();
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.OVERFLOW, clock);
        LeaseGate.Permit held = gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> first = waiterOn(gate);
        CompletableFuture<LeaseGate.Permit> second = waiterOn(gate);
        clock.advanceMillis(LeaseGate.OVERFLOW_MAX_WAIT_MILLIS - 10);
        gate.release(held);
        LeaseGate.Permit got = first.get(5, TimeUnit.SECONDS);
        clock.advanceMillis(20); // 510 ms in line, a place freed 20 ms ago: the cap applies
        assertTrue(second.get(5, TimeUnit.SECONDS).overflow());
        gate.release(got);
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
        LeaseGate.Permit held = gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> first = waiterOn(gate);
        CompletableFuture<LeaseGate.Permit> second = waiterOn(gate);
        gate.release(held);
        LeaseGate.Permit got = first.get(5, TimeUnit.SECONDS);
        assertFalse(second.isDone(), "the second waiter is still in line");
        gate.release(got);
        second.get(5, TimeUnit.SECONDS);
        assertEquals(1, gate.leased());
    }

    @Test
    void waitFailsAfterTheTimeoutAndNeverExceedsTheLimit() throws Exception {
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
        gate.acquire("r", 0);
        long start = System.nanoTime();
        assertThrows(TimeoutException.class, () -> gate.acquire("r", TimeUnit.MILLISECONDS.toNanos(200)));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 190, "waited " + waited + " ms");
        assertEquals(1, gate.leased());
        assertEquals(0, gate.waiting());
    }

    @Test
    void thePerRouteLimitHoldsWhileOtherRoutesGoOn() throws Exception {
        LeaseGate gate = new LeaseGate(10, 1, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
        LeaseGate.Permit a = gate.acquire("a", 0);
        gate.acquire("b", 0);
        assertThrows(TimeoutException.class, () -> gate.acquire("a", TimeUnit.MILLISECONDS.toNanos(50)));
        gate.release(a);
        gate.acquire("a", TimeUnit.MILLISECONDS.toNanos(50));
        assertEquals(2, gate.leased());
    }

    @Test
    void aReleasedConnectionIsKeptWithinTheLimitOrForAWaiterOnly() throws Exception {
        LeaseGate gate = new LeaseGate(2, 2, LeaseGate.OnExhausted.OVERFLOW, Clock.SYSTEM);
        assertTrue(gate.keepOnRelease(2));
        assertFalse(gate.keepOnRelease(3), "beyond the limit and nobody waits: closed");
        gate.acquire("r", 0);
        gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> waiter = waiterOn(gate);
        assertTrue(gate.keepOnRelease(3), "beyond the limit, but a request waits for it");
        waiter.get(5, TimeUnit.SECONDS);
    }

    @Test
    void thePeakCountsLeasesTakenOnTheFastPathToo() throws Exception {
        LeaseGate gate = new LeaseGate(5, 5, LeaseGate.OnExhausted.OVERFLOW, Clock.SYSTEM);
        LeaseGate.Permit a = gate.acquire("r", 0);
        gate.acquire("r", 0);
        gate.acquire("r", 0);
        assertEquals(3, gate.peak());
        gate.release(a);
        assertEquals(3, gate.peak(), "the most at once, not the current count");
        assertEquals(2, gate.leased());
        assertEquals(LeaseGate.OnExhausted.OVERFLOW, gate.mode());
        assertEquals(5, gate.max());
    }

    @Test
    void inWaitModeATimeoutOfZeroWaitsWithoutLimit() throws Exception {
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
        LeaseGate.Permit held = gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> waiter = waiterOn(gate);
        Thread.sleep(100);
        assertFalse(waiter.isDone(), "still waiting, not failed at once");
        gate.release(held);
        assertFalse(waiter.get(5, TimeUnit.SECONDS).overflow(), "a release wakes the waiter");
    }

    @Test
    void aWaitEndsExactlyAtTheTimeoutByTheGatesClock() throws Exception {
        ManualClock clock = new ManualClock();
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.WAIT, clock);
        gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.acquire("r", TimeUnit.MILLISECONDS.toNanos(100));
            } catch (TimeoutException expected) {
                return null;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        while (gate.waiting() == 0) {
            Thread.onSpinWait();
        }
        clock.advanceMillis(100); // exactly the timeout by the gate's clock: the next look gives up
        assertEquals(null, waiter.get(5, TimeUnit.SECONDS), "timed out at the limit");
        assertEquals(0, gate.waiting());
    }

    @Test
    void aReleaseOnAnotherThreadWakesAWaiterOfThatRoute() throws Exception {
        LeaseGate gate = new LeaseGate(10, 1, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
        LeaseGate.Permit held = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.acquire("r", 0); // taken (and the gate's lock left) on another thread
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(5, TimeUnit.SECONDS);
        CompletableFuture<LeaseGate.Permit> waiter = waiterOn(gate);
        CompletableFuture.runAsync(() -> gate.release(held)).get(5, TimeUnit.SECONDS);
        assertFalse(waiter.get(5, TimeUnit.SECONDS).overflow());
        assertEquals(1, gate.leased());
    }

    @Test
    void aReleaseOnAnUnlimitedRouteGateWakesAWaiterThatWouldWaitForever() throws Exception {
        LeaseGate gate = new LeaseGate(1, 1, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
        LeaseGate.Permit held = gate.acquire("r", 0);
        CompletableFuture<LeaseGate.Permit> waiter = waiterOn(gate);
        CompletableFuture.runAsync(() -> gate.release(held)).get(5, TimeUnit.SECONDS);
        assertFalse(waiter.get(5, TimeUnit.SECONDS).overflow());
        CompletableFuture.runAsync(() -> {
            try {
                gate.release(waiter.get());
                gate.acquire("r", 0).overflow();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).get(5, TimeUnit.SECONDS);
        assertEquals(1, gate.leased(), "the lock is free for other threads after each acquire and release");
    }

    @Test
    void eachReleaseOfARouteGivesBackOnePlaceOfThatRoute() throws Exception {
        LeaseGate gate = new LeaseGate(10, 2, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
        LeaseGate.Permit a1 = gate.acquire("a", 0);
        gate.acquire("a", 0);
        gate.release(a1);
        gate.acquire("a", TimeUnit.MILLISECONDS.toNanos(50)); // one place of route a was free
        assertThrows(TimeoutException.class, () -> gate.acquire("a", TimeUnit.MILLISECONDS.toNanos(50)),
                "two leases on route a again: its limit");
        assertEquals(2, gate.leased());
    }

    /**
     * A request waiting at the gate (returned once it waits there, behind those already waiting), on a thread of
     * its own: not the common pool, whose one worker on a 2-core machine (JDK 25) the first waiter would block.
     */
    private static CompletableFuture<LeaseGate.Permit> waiterOn(LeaseGate gate) {
        int before = gate.waiting();
        CompletableFuture<LeaseGate.Permit> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.acquire("r", 0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, task -> new Thread(task, "waiter").start());
        while (gate.waiting() == before && !waiter.isDone()) {
            Thread.onSpinWait();
        }
        return waiter;
    }
}
