package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SampledCountTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger reads = new AtomicInteger();
    private final SampledCount<Object> count = new SampledCount<>(clock, 10);

    private int read(Object source) {
        return reads.incrementAndGet();
    }

    @Test
    void aFigureIsReadOnceWithinTheIntervalAndAgainAfterIt() {
        Object pool = new Object();
        assertEquals(1, count.get(pool, this::read));
        clock.advanceMillis(9);
        assertEquals(1, count.get(pool, this::read), "remembered for less than the interval");
        clock.advanceMillis(1);
        assertEquals(2, count.get(pool, this::read), "read again once the interval has passed");
        assertEquals(2, reads.get());
    }

    @Test
    void anotherSourceIsAlwaysReadFresh() {
        Object current = new Object();
        Object retired = new Object();
        assertEquals(1, count.get(current, this::read));
        assertEquals(2, count.get(retired, this::read), "a figure of one manager never answers for another");
        assertEquals(3, count.get(current, this::read));
    }
}
