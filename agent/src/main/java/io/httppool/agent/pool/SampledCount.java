package io.httppool.agent.pool;

import java.util.function.ToIntFunction;

/**
 * A figure that is costly to read, read at most once per interval and remembered in between, per source
 * (compared by identity: a read for another source is always fresh).
 *
 * <p>For the count of a library pool's open connections that decides whether a released connection is kept:
 * the library reads it under its pool's one lock, and read on every release that lock became the busiest in the
 * process (at 16 concurrent requests the agent's reads doubled the time threads spent waiting for it).
 * Threads racing past an expired reading may each read it once: harmless, the figure is only advice.
 */
public final class SampledCount<S> {

    private final Clock clock;
    private final long intervalNanos;
    private volatile Reading<S> last;

    private static final class Reading<S> {
        final S source;
        final int value;
        final long atNanos;

        Reading(S source, int value, long atNanos) {
            this.source = source;
            this.value = value;
            this.atNanos = atNanos;
        }
    }

    public SampledCount(Clock clock, long intervalMillis) {
        this.clock = clock;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** The figure of {@code source}: remembered if read less than an interval ago, else read now with {@code read}. */
    public int get(S source, ToIntFunction<S> read) {
        long now = clock.nanoTime();
        Reading<S> reading = last;
        if (reading != null && reading.source == source && now - reading.atNanos < intervalNanos) {
            return reading.value;
        }
        int value = read.applyAsInt(source);
        last = new Reading<>(source, value, now);
        return value;
    }
}
