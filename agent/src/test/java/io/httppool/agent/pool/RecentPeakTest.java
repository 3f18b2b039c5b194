package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecentPeakTest {

    static final long WINDOW = 10_000;

    private final RecentPeak peak = new RecentPeak();

    @Test
    void theHighestLeaseCountOfTheCurrentPeriodCounts() {
        peak.observe(3);
        peak.observe(7);
        peak.observe(2);
        assertEquals(7, peak.peak(0, WINDOW));
    }

    @Test
    void aPeakIsRememberedForTheWindowAfterItsPeriodEnded() {
        peak.observe(30);
        assertEquals(30, peak.roll(5, 1_000, WINDOW), "the period that saw 30 just ended");
        for (long t = 2_000; t <= 1_000 + WINDOW; t += 1_000) {
            peak.observe(5);
            assertEquals(30, peak.roll(5, t, WINDOW), "still within the window at " + t + " ms");
        }
        peak.roll(5, 2_000 + WINDOW, WINDOW);
        assertEquals(5, peak.peak(2_000 + WINDOW, WINDOW), "out of the window: only what is leased now and lately");
    }

    @Test
    void whatIsHeldAcrossARollCountsInTheNextPeriod() {
        peak.observe(12);
        peak.roll(12, 1_000, WINDOW);
        assertEquals(12, peak.roll(0, 1_000 + WINDOW + 1, WINDOW), "12 were still held when the next period began");
        assertEquals(0, peak.roll(0, 2_000 + 2 * WINDOW, WINDOW), "nothing leased for a whole window");
    }

    @Test
    void whileLeasesKeepComingThePeakOfTheLastFewWindowsIsKept() {
        peak.observe(90);
        peak.roll(5, 1_000, WINDOW);
        long t = 1_000;
        for (; t < 1_000 + RecentPeak.BUSY_MEMORY_WINDOWS * WINDOW; t += 1_000) {
            peak.observe(5);
            assertEquals(90, peak.roll(5, t + 1_000, WINDOW), "busy at " + t + " ms: the burst of 90 may come again");
        }
        peak.observe(5);
        assertEquals(5, peak.roll(5, t + 2_000, WINDOW), "the burst is older than the busy memory");
    }

    @Test
    void aPoolWithNoLeaseForAWindowNeedsNothing() {
        peak.observe(90);
        peak.roll(0, 1_000, WINDOW);
        assertEquals(90, peak.demand(1_000 + WINDOW, WINDOW), "within the window");
        peak.roll(0, 2_000 + WINDOW, WINDOW);
        assertEquals(0, peak.demand(2_000 + WINDOW, WINDOW), "no lease for a whole window: load stopped, shrink to the limit");
    }

    @Test
    void aBusyPoolKeepsUnusedConnectionsForItsMemoryAnIdleOneForOneWindowInAnyUnit() {
        assertEquals(RecentPeak.BUSY_MEMORY_WINDOWS * WINDOW, RecentPeak.unusedBeforeTrim(true, WINDOW));
        assertEquals(WINDOW, RecentPeak.unusedBeforeTrim(false, WINDOW));
        long windowNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(WINDOW);
        assertEquals(RecentPeak.BUSY_MEMORY_WINDOWS * windowNanos, RecentPeak.unusedBeforeTrim(true, windowNanos));
    }
}
