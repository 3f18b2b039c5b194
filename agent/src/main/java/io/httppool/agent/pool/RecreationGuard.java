package io.httppool.agent.pool;

/**
 * At most one recreation per spacing: an interceptor that throws an {@code Error} on every request must
 * not have its pool replaced on every request.
 */
public final class RecreationGuard {

    public static final long DEFAULT_SPACING_MILLIS = 10_000;

    private final Clock clock;
    private final long spacingMillis;
    private long last = Long.MIN_VALUE;

    public RecreationGuard(Clock clock, long spacingMillis) {
        this.clock = clock;
        this.spacingMillis = spacingMillis;
    }

    /** True (and the time remembered) when a recreation may happen now. */
    public synchronized boolean tryAcquire() {
        long now = clock.millis();
        if (last != Long.MIN_VALUE && now - last < spacingMillis) {
            return false;
        }
        last = now;
        return true;
    }
}
