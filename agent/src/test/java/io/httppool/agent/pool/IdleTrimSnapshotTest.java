package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.httppool.agent.config.AgentConfig;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The idle trim of a busy pool judges one snapshot of the library's pool. Under load connections move
 * between leased and idle between two reads; a trim that took the leased count from one instant and the
 * idle list from another closed connections the pool needed (seen at 128 concurrent requests: connections
 * closed and reopened with no overflow). Here the fake library pool moves between its two reads.
 */
class IdleTrimSnapshotTest {

    private static final int KEEP_ALIVE_LIMIT = 20;

    private final ManualClock clock = new ManualClock();

    @Test
    void aTrimClosesNoMoreThanTheSnapshotItJudgedHadBeyondTheLimit() {
        // 100 connections: at the snapshot 95 leased and 5 idle (nothing beyond the limit of 20 idle);
        // a moment later 80 of them are back idle, all unused for two seconds.
        FakeLibraryPool pool = new FakeLibraryPool(clock, List.of(new PoolStats(95, 5, 0, 100), new PoolStats(20, 80, 0, 100)));
        pool.idle(80, clock.currentTimeMillis() - 2_000);

        pool.housekeep();

        assertEquals(0, pool.closed, "a pool that had nothing beyond the idle limit at its snapshot closes nothing");
    }

    @Test
    void aTrimStillClosesWhatIsBeyondTheLimitOnceLoadStopped() {
        FakeLibraryPool pool = new FakeLibraryPool(clock, List.of(new PoolStats(0, 80, 0, 100)));
        pool.idle(80, clock.currentTimeMillis() - 2_000);

        pool.housekeep();

        assertEquals(80 - KEEP_ALIVE_LIMIT, pool.closed, "nothing leased lately: idle connections beyond the limit close");
    }

    /** A library pool reporting the given figures in turn (the last one from then on), with a list of idle entries. */
    private static final class FakeLibraryPool extends ConnectionManagerPool<Object, Long> {
        private final Deque<PoolStats> reads;
        private final List<Long> idleLastUsed = new ArrayList<>();
        int closed;

        FakeLibraryPool(ManualClock clock, List<PoolStats> reads) {
            super("fake", "fake", "fake", Object::new, null, policy(), HostAddresses.using(host -> new InetAddress[0]),
                    clock, (lease, reason) -> false);
            this.reads = new ArrayDeque<>(reads);
        }

        private static PoolPolicy policy() {
            PoolPolicy defaults = PoolPolicy.of(AgentConfig.defaults(), 0, 0);
            return new PoolPolicy(false, 100, 100, defaults.onExhausted(), defaults.poolTimeoutMillis(),
                    defaults.keepAliveMillis(), KEEP_ALIVE_LIMIT, "off", ConnectionLifetime.NONE,
                    defaults.connectTimeoutMillis(), defaults.readTimeoutMillis(), defaults.validateAfterInactivityMillis(),
                    defaults.demandWindowMillis());
        }

        void idle(int count, long lastUsedMillis) {
            for (int i = 0; i < count; i++) {
                idleLastUsed.add(lastUsedMillis);
            }
        }

        @Override
        protected PoolStats libraryStats(Object manager) {
            return reads.size() > 1 ? reads.removeFirst() : reads.getFirst();
        }

        @Override
        protected int closeIdleEntries(Object manager, Predicate<Long> select) {
            int count = 0;
            for (java.util.Iterator<Long> it = idleLastUsed.iterator(); it.hasNext(); ) {
                if (select.test(it.next())) {
                    it.remove();
                    count++;
                }
            }
            closed += count;
            return count;
        }

        @Override
        protected long lastUsedMillis(Long entry) {
            return entry;
        }

        @Override
        protected boolean isClosed(Object manager) {
            return false;
        }

        @Override
        protected void closeByAgent(Object manager) {
        }

        @Override
        protected void closeExpired(Object manager) {
        }

        @Override
        protected void closeIdleOlderThan(Object manager, long millis) {
        }

        @Override
        protected Object routeOf(Long entry) {
            return "route";
        }

        @Override
        protected Object stateOf(Long entry) {
            return null;
        }

        @Override
        protected String watchedHostOf(Long entry) {
            return null;
        }

        @Override
        protected InetAddress addressOf(Long entry) {
            return null;
        }

        @Override
        protected void switched(Object old, Object fresh) {
        }
    }
}
