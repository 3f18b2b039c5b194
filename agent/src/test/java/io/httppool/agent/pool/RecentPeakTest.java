package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecentPeakTest {

    private final RecentPeak peak = new RecentPeak();

    @Test
    void theHighestLeaseCountOfTheCurrentPeriodCounts() {
        peak.observe(3);
        peak.observe(7);
        peak.observe(2);
        assertEquals(7, peak.peak(0));
    }

    @Test
    void aPeakIsRememberedForTheWindowAfterItsPeriodEnded() {
        peak.observe(30);
        assertEquals(30, peak.roll(5, 1_000), "the period that saw 30 just ended");
        for (long t = 2_000; t <= 1_000 + RecentPeak.WINDOW_MILLIS; t += 1_000) {
            peak.observe(5);
            assertEquals(30, peak.roll(5, t), "still within the window at " + t + " ms");
        }
        assertEquals(5, peak.roll(5, 2_000 + RecentPeak.WINDOW_MILLIS), "out of the window: only what is leased now and lately");
    }

    @Test
    void whatIsHeldAcrossARollCountsInTheNextPeriod() {
        peak.observe(12);
        peak.roll(12, 1_000);
        assertEquals(12, peak.roll(0, 1_000 + RecentPeak.WINDOW_MILLIS + 1), "12 were still held when the next period began");
        assertEquals(0, peak.roll(0, 2_000 + 2 * RecentPeak.WINDOW_MILLIS), "nothing leased for a whole window");
    }
}
