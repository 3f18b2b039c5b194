package io.httppool.demo.load;

import java.time.Duration;

/**
 * When the warm-up ends: at the first check at or after the minimum at which the proxy's JIT
 * compilation time ({@code jit_millis} of {@code /admin/stats}) has not grown for
 * {@link #JIT_QUIET_MILLIS}, or at the cap. Without any JIT reading by the minimum (no stats URL,
 * or a JVM that does not measure compilation time and reports 0), it ends at the minimum.
 *
 * <p>The caller passes the time in (milliseconds since the load started) with each reading; this
 * class never reads a clock, so the rule can be tested without waiting.
 */
public final class WarmupEnd {

    /**
     * How long the JIT compilation time must stay flat. HotSpot adds a compilation's time only when
     * that compilation finishes, so a flat value means either an idle compiler or one busy with a
     * single long compilation: C2 takes seconds for a large method on a loaded 2-core machine, so
     * not shorter than this.
     */
    public static final long JIT_QUIET_MILLIS = 5_000;

    /** What a reading of {@code jit_millis} is when there is none (no stats URL, or the fetch failed). */
    public static final long NO_READING = -1;

    public enum Decision {
        /** Keep warming up. */
        GO_ON,
        /** Ended: the JIT has been idle for {@link #JIT_QUIET_MILLIS}, at or after the minimum. */
        JIT_SETTLED,
        /** Ended without the JIT settling: at the cap, or at the minimum when there were no JIT readings. */
        LIMIT
    }

    private final long minMillis;
    private final long maxMillis;
    private boolean anyReading;
    private long lastJit;
    /** When the reading last changed (or the first reading came). */
    private long changedAt;
    /** When the latest reading came: the flat stretch is known only up to here. */
    private long readAt;

    /** @param max the cap; below {@code min} it counts as {@code min}, so the warm-up is fixed */
    public WarmupEnd(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = Math.max(minMillis, max.toMillis());
    }

    /**
     * @param elapsedMillis time since the load started
     * @param jitMillis     the proxy's {@code jit_millis} now; {@link #NO_READING}, or 0 (not measured), when unknown
     */
    public Decision check(long elapsedMillis, long jitMillis) {
        if (jitMillis > 0) {
            if (!anyReading || jitMillis != lastJit) {
                changedAt = elapsedMillis;
            }
            anyReading = true;
            lastJit = jitMillis;
            readAt = elapsedMillis;
        }
        if (elapsedMillis < minMillis) {
            return Decision.GO_ON;
        }
        if (anyReading && readAt - changedAt >= JIT_QUIET_MILLIS) {
            return Decision.JIT_SETTLED;
        }
        return !anyReading || elapsedMillis >= maxMillis ? Decision.LIMIT : Decision.GO_ON;
    }

    /**
     * When to check next after a {@link Decision#GO_ON}: the next multiple of {@code pollMillis}
     * (so the checks do not drift), or the minimum or the cap if one comes first.
     */
    long nextCheck(long elapsedMillis, long pollMillis) {
        long next = (elapsedMillis / pollMillis + 1) * pollMillis;
        if (elapsedMillis < minMillis) {
            next = Math.min(next, minMillis);
        }
        return Math.min(next, maxMillis);
    }
}
