package io.httppool.demo.load;

import static io.httppool.demo.load.WarmupEnd.Decision.GO_ON;
import static io.httppool.demo.load.WarmupEnd.Decision.JIT_SETTLED;
import static io.httppool.demo.load.WarmupEnd.Decision.LIMIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class WarmupEndTest {

    private static final long POLL = 500;

    @Test
    void endsAtTheMinimumWhenTheJitHasBeenIdleForFiveSeconds() {
        WarmupEnd end = new WarmupEnd(Duration.ofSeconds(8), Duration.ofSeconds(60));
        // JIT time grows until 2.5 s, then stays flat: idle for 5 s from 2.5 s on, so the minimum ends it.
        assertEquals(new End(8_000, JIT_SETTLED), run(end, t -> 100 + Math.min(t, 2_500), 0));
    }

    @Test
    void endsAsSoonAsTheJitHasBeenIdleForFiveSecondsPastTheMinimum() {
        WarmupEnd end = new WarmupEnd(Duration.ofSeconds(8), Duration.ofSeconds(60));
        // the last growth seen at 31 s (C2 finishing the hot path late), flat from then on
        assertEquals(new End(36_000, JIT_SETTLED), run(end, t -> 100 + Math.min(t, 31_000), 0));
    }

    @Test
    void goesOnPastTheMinimumWhileTheJitStillGrows() {
        WarmupEnd end = new WarmupEnd(Duration.ofSeconds(8), Duration.ofSeconds(60));
        for (long t = 0; t <= 20_000; t += POLL) {
            assertEquals(GO_ON, end.check(t, 100 + t), "at " + t + " ms");
        }
    }

    @Test
    void aFlatStretchShorterThanFiveSecondsDoesNotEndIt() {
        WarmupEnd end = new WarmupEnd(Duration.ofSeconds(8), Duration.ofSeconds(60));
        // grows up to 4 s, flat 4 s to 8.5 s (4.5 s: one long compilation, maybe), grows once more at 9 s
        LongUnaryOperator jit = t -> t < 4_000 ? 100 + t : t < 9_000 ? 4_100 : 4_500;
        for (long t = 0; t < 9_000; t += POLL) {
            assertEquals(GO_ON, end.check(t, jit.applyAsLong(t)), "at " + t + " ms");
        }
        assertEquals(new End(14_000, JIT_SETTLED), run(end, jit, 9_000), "5 s after the last growth, seen at 9 s");
    }

    @Test
    void endsAtTheCapWhileTheJitStillGrowsAsNotSettled() {
        WarmupEnd end = new WarmupEnd(Duration.ofSeconds(8), Duration.ofSeconds(60));
        assertEquals(new End(60_000, LIMIT), run(end, t -> 100 + t, 0));
    }

    @Test
    void aCapBelowTheMinimumMakesTheWarmupFixed() {
        WarmupEnd end = new WarmupEnd(Duration.ofSeconds(2), Duration.ZERO);
        assertEquals(500, end.nextCheck(0, POLL), "not at once, again and again");
        assertEquals(2_000, end.nextCheck(1_500, POLL));
        assertEquals(GO_ON, end.check(1_999, 100));
        assertEquals(LIMIT, end.check(2_000, 200));
    }

    @Test
    void withoutJitReadingsTheWarmupIsTheFixedMinimum() {
        WarmupEnd none = new WarmupEnd(Duration.ofSeconds(8), Duration.ofSeconds(60));
        assertEquals(GO_ON, none.check(7_999, WarmupEnd.NO_READING));
        assertEquals(LIMIT, none.check(8_000, WarmupEnd.NO_READING));
        // a JVM that does not measure compilation time reports 0 all along: the same
        WarmupEnd zero = new WarmupEnd(Duration.ofSeconds(8), Duration.ofSeconds(60));
        assertEquals(new End(8_000, LIMIT), run(zero, t -> 0, 0));
        WarmupEnd zeroLength = new WarmupEnd(Duration.ZERO, Duration.ofSeconds(60));
        assertEquals(LIMIT, zeroLength.check(0, WarmupEnd.NO_READING));
    }

    @Test
    void aMissedReadingIsNoEvidenceThatTheJitWasIdle() {
        WarmupEnd end = new WarmupEnd(Duration.ofSeconds(8), Duration.ofSeconds(60));
        // readings until 4 s, then the stats cannot be read: flat is known only up to 4 s
        for (long t = 0; t <= 20_000; t += POLL) {
            assertEquals(GO_ON, end.check(t, t <= 4_000 ? 100 + Math.min(t, 1_000) : WarmupEnd.NO_READING), "at " + t + " ms");
        }
        assertEquals(JIT_SETTLED, end.check(20_500, 1_100), "the same value again: flat since 1 s");
    }

    @Test
    void checksFollowTheTicksAndLandOnTheMinimumAndTheCap() {
        WarmupEnd end = new WarmupEnd(Duration.ofMillis(1_200), Duration.ofMillis(2_300));
        assertEquals(500, end.nextCheck(0, POLL));
        assertEquals(1_000, end.nextCheck(530, POLL), "no drift: the next tick, not 530 + 500");
        assertEquals(1_200, end.nextCheck(1_000, POLL), "the minimum comes before the tick");
        assertEquals(1_500, end.nextCheck(1_200, POLL));
        assertEquals(2_300, end.nextCheck(2_000, POLL), "the cap comes before the tick");
    }

    private record End(long atMillis, WarmupEnd.Decision decision) {
    }

    /** Checks from {@code fromMillis} on, at the times the load driver would, with {@code jit} of the time; how the warm-up ended. */
    private static End run(WarmupEnd end, LongUnaryOperator jit, long fromMillis) {
        long t = fromMillis;
        for (int checks = 0; checks < 10_000; checks++) {
            WarmupEnd.Decision decision = end.check(t, jit.applyAsLong(t));
            if (decision != GO_ON) {
                return new End(t, decision);
            }
            long next = end.nextCheck(t, POLL);
            if (next <= t) {
                throw new AssertionError("went on at " + t + " ms with no later check");
            }
            t = next;
        }
        throw new AssertionError("never ended");
    }
}
