package io.httppool.it.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** "Eventually" checks: polls a condition every 100 ms, with a generous bound (never a timing assertion). */
public final class Poll {

    private Poll() {
    }

    /** True as soon as {@code condition} holds; false if it still does not after {@code wait}. */
    public static boolean until(BooleanSupplier condition, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
