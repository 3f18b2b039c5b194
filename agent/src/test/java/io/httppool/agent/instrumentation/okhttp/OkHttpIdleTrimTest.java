package io.httppool.agent.instrumentation.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.httppool.agent.pool.RecentPeak;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The upkeep keeps the most recently used idle connections and closes only those unused for a whole window. */
class OkHttpIdleTrimTest {

    private static final long WINDOW = 60_000_000_000L;
    private static final long NOW = 1_000_000_000_000L;

    private static OkHttpIdleTrim.Idle idle(String name, long idleForNanos) {
        return new OkHttpIdleTrim.Idle(name, NOW - idleForNanos, false);
    }

    private static OkHttpIdleTrim.Idle retired(String name, long idleForNanos) {
        return new OkHttpIdleTrim.Idle(name, NOW - idleForNanos, true);
    }

    @Test
    void withinTheLimitNothingCloses() {
        assertEquals(List.of(), OkHttpIdleTrim.toClose(List.of(idle("a", 2 * WINDOW), idle("b", 2 * WINDOW)), 0, 2, WINDOW, NOW));
    }

    @Test
    void onceLoadStoppedConnectionsUnusedForAWindowCloseBeyondTheLimit() {
        List<OkHttpIdleTrim.Idle> idle = List.of(idle("old", 3 * WINDOW), idle("newest", WINDOW + 5),
                idle("older", 2 * WINDOW), idle("just-a-window", WINDOW + 10));
        assertEquals(List.of("just-a-window", "older", "old"), OkHttpIdleTrim.toClose(idle, 0, 1, WINDOW, NOW),
                "nothing used for a window: the newest is kept by the limit, the rest close");
    }

    @Test
    void whileCallsKeepComingOnlyConnectionsUnusedForTheBusyMemoryClose() {
        long memory = RecentPeak.BUSY_MEMORY_WINDOWS * WINDOW;
        List<OkHttpIdleTrim.Idle> idle = List.of(idle("used-lately", 5), idle("a-burst-ago", 2 * WINDOW),
                idle("long-unused", memory));
        assertEquals(List.of("long-unused"), OkHttpIdleTrim.toClose(idle, 0, 0, WINDOW, NOW),
                "one used a minute ago: the pool is busy, and the burst that used the other may come again");
        assertEquals(List.of("long-unused"), OkHttpIdleTrim.toClose(idle.subList(1, 3), 3, 0, WINDOW, NOW),
                "calls in flight: busy as well");
        assertEquals(List.of("a-burst-ago", "long-unused"), OkHttpIdleTrim.toClose(idle.subList(1, 3), 0, 0, WINDOW, NOW),
                "none in use or used within a window: load stopped");
    }

    @Test
    void aBusyPoolLosesNoConnection() {
        List<OkHttpIdleTrim.Idle> idle = List.of(idle("a", 5), idle("b", 1_000), idle("c", 2_000_000_000L));
        assertEquals(List.of(), OkHttpIdleTrim.toClose(idle, 0, 0, WINDOW, NOW), "idle between two calls is no reason to close");
    }

    @Test
    void aRetiredConnectionTakesNoPlaceAmongThoseKept() {
        List<OkHttpIdleTrim.Idle> idle = List.of(retired("retired-for-its-lifetime", WINDOW + 5), idle("live", WINDOW + 10));
        assertEquals(List.of(), OkHttpIdleTrim.toClose(idle, 0, 1, WINDOW, NOW),
                "one usable idle connection within a limit of one: kept, though a retired one was used later");
        List<OkHttpIdleTrim.Idle> more = List.of(retired("retired", WINDOW + 5), idle("live", WINDOW + 10),
                idle("live-older", 2 * WINDOW));
        assertEquals(List.of("live-older"), OkHttpIdleTrim.toClose(more, 0, 1, WINDOW, NOW),
                "the most recently used usable connection is kept, and the retired one is not closed again");
    }

    @Test
    void aRecentlyUsedRetiredConnectionStillTellsThatCallsKeepComing() {
        List<OkHttpIdleTrim.Idle> idle = List.of(retired("retired", 5), idle("live", WINDOW + 10), idle("a-burst-ago", 2 * WINDOW));
        assertEquals(List.of(), OkHttpIdleTrim.toClose(idle, 0, 1, WINDOW, NOW), "busy: nothing unused for the busy memory");
    }
}
