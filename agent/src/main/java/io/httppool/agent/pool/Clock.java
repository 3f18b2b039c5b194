package io.httppool.agent.pool;

/**
 * Where the pool logic reads time. Production code uses {@link #SYSTEM}; tests pass a clock they move by
 * hand, so rules about "within a second" or "at most once per 10 s" are tested with numbers, not sleeps.
 */
public interface Clock {

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    };

    /** Monotonic time for intervals. */
    long nanoTime();

    /** Wall-clock time, for what is shown to people. */
    long currentTimeMillis();

    default long millis() {
        return nanoTime() / 1_000_000;
    }
}
