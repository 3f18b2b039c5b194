package io.httppool.demo.testing;

import java.util.function.LongSupplier;

/** Server threads update counters just after the client saw the answer: poll briefly instead of sleeping. */
public final class Eventually {

    private Eventually() {
    }

    public static long awaitValue(LongSupplier actual, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long value = actual.getAsLong();
        while (value != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            value = actual.getAsLong();
        }
        return value;
    }
}
