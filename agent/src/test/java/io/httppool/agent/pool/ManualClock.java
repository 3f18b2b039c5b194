package io.httppool.agent.pool;

/** A clock tests move by hand. */
final class ManualClock implements Clock {

    private volatile long nanos = 1_000_000_000L;
    private volatile long wallMillis = 1_700_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long currentTimeMillis() {
        return wallMillis;
    }

    void advanceMillis(long millis) {
        nanos += millis * 1_000_000;
        wallMillis += millis;
    }
}
