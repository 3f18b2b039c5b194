package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the ledger reports and when: leaks (rate-limited, with the leasing stack when one was recorded),
 * long leases, and which leases record their stack under HTTP_POOL_LEAK_STACKS. A collected handle is
 * simulated by calling {@link LeaseLedger.Lease#collected()} as the reclaimer thread does, so nothing
 * here waits for the garbage collector; time is a {@link ManualClock}.
 */
class LeaseLedgerReportsTest {

    private static final String STACK = "java.lang.Throwable: connection leased here";

    private final ManualClock clock = new ManualClock();
    private final PoolCounters counters = new PoolCounters();
    private final LeaseGate gate = new LeaseGate(10, 10, LeaseGate.OnExhausted.WAIT, clock);
    private final List<LeaseLedger.Reason> reclaimed = new ArrayList<>();
    private final LogCapture log = LogCapture.start();
    private final List<Object> handles = new ArrayList<>();

    @AfterEach
    void restoreLog() {
        log.close();
    }

    private LeaseLedger ledger(String stacks) {
        return ledger(stacks, (lease, reason) -> {
            reclaimed.add(reason);
            return true;
        });
    }

    private LeaseLedger ledger(String stacks, LeaseLedger.Reclaimer reclaimer) {
        return new LeaseLedger("test/reports", counters, clock, gate, stacks, reclaimer);
    }

    private LeaseLedger.Lease lease(LeaseLedger ledger) throws Exception {
        Object handle = new Object();
        handles.add(handle); // kept: collection is simulated
        return ledger.leased(handle, new Object(), null, "route-1", "context-1", gate.acquire("route-1", 0));
    }

    private int count(String fragment) {
        int n = 0;
        for (int at = log.text().indexOf(fragment); at >= 0; at = log.text().indexOf(fragment, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aLeaseTellsWhatItWasTakenFor() throws Exception {
        LeaseLedger ledger = ledger("off");
        LeaseLedger.Lease lease = lease(ledger);
        assertEquals("route-1", lease.route());
        assertEquals("context-1", lease.context());
        assertFalse(lease.overflow());
        assertSame(lease, ledger.lease(lease.key()));
        assertEquals(1, ledger.active());
        assertSame(lease, ledger.end(lease.key()));
        assertNull(lease.get(), "an ended lease lets go of the application's handle");
        assertNull(ledger.lease(lease.key()));
        assertEquals(0, ledger.active());
    }

    @Test
    void aLeakIsReclaimedCountedAndReportedWithItsStack() throws Exception {
        LeaseLedger ledger = ledger("always");
        LeaseLedger.Lease lease = lease(ledger);
        clock.advanceMillis(1_234);
        lease.collected();
        assertEquals(List.of(LeaseLedger.Reason.LEAKED), reclaimed);
        assertEquals(1, counters.leaks());
        assertEquals(0, gate.leased(), "its place is free");
        assertEquals(1, count("Connection leak in pool test/reports (route route-1): a lease taken by thread '"));
        assertEquals(1, count(" 1234 ms ago was never released"), log.text());
        assertEquals(1, count(STACK));
        lease.collected();
        assertEquals(1, counters.leaks(), "a lease ends once");
    }

    @Test
    void leaksAreReportedAtMostOncePer10SecondsWithACountOfTheOthers() throws Exception {
        LeaseLedger ledger = ledger("off");
        lease(ledger).collected();
        clock.advanceMillis(5_000);
        lease(ledger).collected();
        lease(ledger).collected();
        assertEquals(3, counters.leaks());
        assertEquals(1, count("Connection leak in pool"), "one report in the first 10 s");
        clock.advanceMillis(4_999);
        lease(ledger).collected();
        assertEquals(1, count("Connection leak in pool"), "still within 10 s of the report");
        clock.advanceMillis(5_001);
        lease(ledger).collected();
        assertEquals(2, count("Connection leak in pool"));
        assertEquals(1, count("(and 3 more since the last report)"), log.text());
        assertEquals(0, count(STACK), "off: no stack is ever recorded");
        assertEquals(0, count("recorded for this pool from now on"));
        clock.advanceMillis(10_000);
        lease(ledger).collected();
        assertEquals(3, count("Connection leak in pool"));
        assertEquals(1, count("more since the last report"), "nothing unreported this time");
    }

    @Test
    void sampledStacksAreRecordedForTheFirstLeaseThenForAllOnceThePoolLeaked() throws Exception {
        LeaseLedger ledger = ledger("sampled");
        LeaseLedger.Lease first = lease(ledger);   // 1 in 1024, starting with the first
        LeaseLedger.Lease second = lease(ledger);
        second.collected();
        assertEquals(0, count(STACK), "the second lease recorded no stack");
        assertEquals(1, count("Leasing stacks are recorded for this pool from now on."));
        clock.advanceMillis(10_001);
        first.collected();
        assertEquals(1, count(STACK), "the first lease did");
        clock.advanceMillis(10_001);
        lease(ledger).collected();
        assertEquals(2, count(STACK), "after a leak every lease records its stack");
    }

    @Test
    void aLongLeaseIsReportedOnlyPastTheThresholdWithWhereItWasTaken() throws Exception {
        LeaseLedger ledger = ledger("always");
        lease(ledger);
        clock.advanceMillis(1_500);
        assertEquals(0, ledger.reportLongLeases(Duration.ofMillis(1_500)), "at the threshold: not yet");
        clock.advanceMillis(1);
        assertEquals(1, ledger.reportLongLeases(Duration.ofMillis(1_500)));
        assertEquals(1, count("leased by thread '"));
        assertEquals(1, count(" for 1501 ms (HTTP_POOL_LEAK_THRESHOLD=1.5 s): probably a response not closed."), log.text());
        assertEquals(1, count(STACK));
    }

    @Test
    void aSampledPoolRecordsEveryStackAfterItsFirstLongLease() throws Exception {
        LeaseLedger ledger = ledger("sampled");
        lease(ledger); // sampled
        LeaseLedger.Lease unsampled = lease(ledger);
        clock.advanceMillis(2_000);
        ledger.end(lease(ledger).key()); // a third, short one, already over
        assertEquals(2, ledger.reportLongLeases(Duration.ofSeconds(1)));
        assertEquals(1, count(STACK), "the sampled one");
        assertEquals(1, count("(Leasing stack not recorded; recorded for this pool from now on.)"));
        ledger.end(unsampled.key());
        lease(ledger);
        clock.advanceMillis(2_000);
        assertEquals(1, ledger.reportLongLeases(Duration.ofSeconds(1)), "only the new one: the others were reported");
        assertEquals(2, count(STACK), "recorded for every lease since the long lease");
    }

    @Test
    void aLeakTheLibraryHadAlreadySettledIsNoLeak() throws Exception {
        LeaseLedger ledger = ledger("off", (lease, reason) -> false);
        lease(ledger).collected();
        assertEquals(0, counters.leaks());
        assertEquals(0, count("Connection leak"));
        assertEquals(0, gate.leased());
    }

    @Test
    void aReclaimerThatThrowsIsCountedAndTheLeaseStillEnds() throws Exception {
        long errors = AgentErrors.suppressedCount();
        LeaseLedger ledger = ledger("off", (lease, reason) -> {
            throw new IllegalStateException("reclaim failed");
        });
        LeaseLedger.Lease leaked = lease(ledger);
        Object owner = new Object();
        ledger.leased(new Object(), "owned", owner, "route-1", null, gate.acquire("route-1", 0));
        leaked.collected();
        assertEquals(0, ledger.releaseOwnedBy(owner));
        assertEquals(0, counters.leaks());
        assertEquals(0, counters.releasedOnClose());
        assertEquals(0, gate.leased(), "both places are free");
        assertEquals(0, ledger.active());
        assertTrue(AgentErrors.suppressedCount() >= errors + 2);
    }
}
