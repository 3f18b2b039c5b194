package io.httppool.agent.instrumentation.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The upkeep keeps the most recently used idle connections and closes only those unused for a whole window. */
class OkHttpIdleTrimTest {

    private static final long WINDOW = 60_000_000_000L;
    private static final long NOW = 1_000_000_000_000L;

    private static OkHttpIdleTrim.Idle idle(String name, long idleForNanos) {
        return new OkHttpIdleTrim.Idle(name, NOW - idleForNanos);
    }

    @Test
    void withinTheLimitNothingCloses() {
        assertEquals(List.of(), OkHttpIdleTrim.toClose(List.of(idle("a", 2 * WINDOW), idle("b", 2 * WINDOW)), 2, WINDOW, NOW));
    }

    @Test
    void beyondTheLimitOnlyConnectionsUnusedForAWindowClose() {
        List<OkHttpIdleTrim.Idle> idle = List.of(idle("busy-lately", WINDOW - 1), idle("old", 3 * WINDOW),
                idle("newest", 1), idle("older", 2 * WINDOW), idle("just-a-window", WINDOW));
        assertEquals(List.of("just-a-window", "older", "old"), OkHttpIdleTrim.toClose(idle, 1, WINDOW, NOW),
                "the newest is kept by the limit; one used within the window is kept as part of the recent peak");
    }

    @Test
    void aBusyPoolLosesNoConnection() {
        List<OkHttpIdleTrim.Idle> idle = List.of(idle("a", 5), idle("b", 1_000), idle("c", 2_000_000_000L));
        assertEquals(List.of(), OkHttpIdleTrim.toClose(idle, 0, WINDOW, NOW), "idle between two calls is no reason to close");
    }
}
