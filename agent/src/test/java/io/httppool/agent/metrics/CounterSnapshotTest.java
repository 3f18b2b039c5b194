package io.httppool.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import org.junit.jupiter.api.Test;

class CounterSnapshotTest {

    @Test
    void readsEveryCounter() {
        PoolCounters counters = new PoolCounters();
        counters.connectionCreated();
        counters.tlsHandshake();
        counters.request();
        counters.request();
        counters.recreated();
        counters.refreshed();
        counters.leak();
        counters.error(ErrorKind.IO);

        CounterSnapshot snapshot = CounterSnapshot.of(counters);

        assertEquals(new CounterSnapshot(1, 1, 2, 1, 1, 1, 0, 0, 0, 0, java.util.Map.of(ErrorKind.IO, 1L)), snapshot);
        assertEquals(0, snapshot.errors(ErrorKind.FATAL), "every kind present, zero when never counted");
    }

    @Test
    void theDifferenceOfTwoReadingsIsWhatHappenedInBetween() {
        PoolCounters counters = new PoolCounters();
        counters.request();
        counters.error(ErrorKind.CONNECT);
        CounterSnapshot before = CounterSnapshot.of(counters);

        counters.request();
        counters.request();
        counters.error(ErrorKind.CONNECT);
        counters.error(ErrorKind.TLS);
        CounterSnapshot delta = CounterSnapshot.of(counters).minus(before);

        assertEquals(2, delta.requests());
        assertEquals(1, delta.errors(ErrorKind.CONNECT));
        assertEquals(1, delta.errors(ErrorKind.TLS));
        assertEquals(0, delta.connectionsCreated());
        assertEquals(CounterSnapshot.of(counters), CounterSnapshot.of(counters).minus(CounterSnapshot.ZERO));
    }
}
