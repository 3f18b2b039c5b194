package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each lease ends once: released, closed with its client, or reclaimed as a leak; each gives its place back. */
class LeaseLedgerTest {

    private final ManualClock clock = new ManualClock();
    private final PoolCounters counters = new PoolCounters();
    private final LeaseGate gate = new LeaseGate(10, 10, LeaseGate.OnExhausted.WAIT, Clock.SYSTEM);
    private final List<Object> reclaimed = new ArrayList<>();
    /** Places taken at the gate while each reclaimed connection was being closed. */
    private final List<Integer> leasedWhileClosing = new ArrayList<>();
    private final LeaseLedger ledger = new LeaseLedger("test/pool", counters, clock, gate, "off", (lease, reason) -> {
        reclaimed.add(lease.key());
        leasedWhileClosing.add(gate.leased());
        return true;
    });

    private LeaseLedger.Lease lease(Object handle, Object key, Object owner) throws Exception {
        return ledger.leased(handle, key, owner, "route", null, gate.acquire("route", 0));
    }

    @Test
    void aReleaseEndsTheLeaseOnceAndFreesItsPlace() throws Exception {
        Object key = new Object();
        lease(new Object(), key, null);
        assertEquals(1, gate.leased());
        assertNotNull(ledger.end(key));
        assertNull(ledger.end(key), "ended once");
        assertEquals(0, gate.leased());
        assertEquals(0, ledger.active());
    }

    @Test
    void thePoolsNeedCountsPlacesTakenForLeasesTheLedgerHasNotSeenYet() throws Exception {
        // Two requests have their places and the library's connections, but their leases are not tracked yet.
        gate.acquire("route", 0);
        gate.acquire("route", 0);
        lease(new Object(), new Object(), null);
        assertEquals(1, ledger.active());
        assertEquals(3, ledger.held());
        assertEquals(3, ledger.recentPeak().peak(clock.currentTimeMillis(), RecentPeak.MIN_WINDOW_MILLIS),
                "the idle trim must keep the 3 connections the library has leased");
    }

    @Test
    void closingAClientClosesOnlyItsOwnLeases() throws Exception {
        Object client = new Object();
        Object other = new Object();
        Object k1 = new Object();
        Object k2 = new Object();
        Object k3 = new Object();
        lease(new Object(), k1, client);
        lease(new Object(), k2, other);
        lease(new Object(), k3, client);
        assertEquals(2, ledger.releaseOwnedBy(client));
        assertEquals(List.of(k1, k3), reclaimed.stream().sorted((a, b) -> a == k1 ? -1 : 1).toList());
        assertEquals(List.of(3, 2), leasedWhileClosing,
                "each place is given back only after its connection is closed, never to a waiter first");
        assertEquals(2, counters.releasedOnClose());
        assertEquals(0, counters.leaks(), "a closed client is no leak");
        assertEquals(1, gate.leased());
        assertNull(ledger.end(k1), "the library's later release of a closed lease is a no-op");
        assertNotNull(ledger.end(k2));
    }

    @Test
    void aHandleCollectedUnreleasedIsReclaimedAndCountedAsALeak() throws Exception {
        Object key = new Object();
        lease(new Object(), key, null); // the handle is garbage at once
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counters.leaks() == 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(1, counters.leaks());
        assertEquals(List.of(key), reclaimed);
        assertEquals(List.of(1), leasedWhileClosing, "the place stays taken until the leaked connection is closed");
        assertEquals(0, gate.leased(), "the leaked place is free again");
        assertNull(ledger.end(key));
    }

    @Test
    void aPlaceComesBackEvenWhenClosingTheConnectionFails() throws Exception {
        LeaseLedger failing = new LeaseLedger("test/pool", counters, clock, gate, "off", (lease, reason) -> {
            throw new IllegalStateException("broken library");
        });
        Object client = new Object();
        failing.leased(new Object(), new Object(), client, "route", null, gate.acquire("route", 0));
        assertEquals(0, failing.releaseOwnedBy(client));
        assertEquals(0, gate.leased());
        assertEquals(0, failing.active());
    }

    @Test
    void aReleasedLeaseIsNeverReportedAsALeak() throws Exception {
        Object key = new Object();
        lease(new Object(), key, null);
        ledger.end(key);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, counters.leaks());
        assertTrue(reclaimed.isEmpty());
    }

    @Test
    void longLeasesAreReportedOnceAfterTheThreshold() throws Exception {
        Object handle = new Object();
        lease(handle, new Object(), null);
        assertEquals(0, ledger.reportLongLeases(Duration.ofSeconds(1)));
        clock.advanceMillis(1_001);
        assertEquals(1, ledger.reportLongLeases(Duration.ofSeconds(1)));
        assertEquals(0, ledger.reportLongLeases(Duration.ofSeconds(1)), "once");
        assertNotNull(handle);
    }
}
