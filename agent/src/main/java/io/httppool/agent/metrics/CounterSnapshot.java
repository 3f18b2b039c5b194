package io.httppool.agent.metrics;

import io.httppool.agent.pool.PoolCounters;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The counters of one pool read at one moment. Counters only grow, so the difference of two readings
 * is what happened in between: that is how health checks see "since the last check".
 */
public record CounterSnapshot(long connectionsCreated, long tlsHandshakes, long requests, long recreations,
                              long refreshes, long leaks, long overflows, long releasedOnClose, long dnsRetired,
                              long lifetimeExpired, Map<ErrorKind, Long> errors) {

    /** The reading of a pool nothing has happened to yet: the baseline of a pool's first check. */
    public static final CounterSnapshot ZERO = new CounterSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

    public CounterSnapshot {
        Map<ErrorKind, Long> complete = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            Long count = errors.get(kind);
            complete.put(kind, count != null ? count : 0L);
        }
        errors = Collections.unmodifiableMap(complete);
    }

    public static CounterSnapshot of(PoolCounters counters) {
        return new CounterSnapshot(counters.connectionsCreated(), counters.tlsHandshakes(), counters.requests(),
                counters.recreations(), counters.refreshes(), counters.leaks(), counters.overflows(),
                counters.releasedOnClose(), counters.dnsRetired(), counters.lifetimeExpired(), counters.errors());
    }

    public long errors(ErrorKind kind) {
        return errors.get(kind);
    }

    /** What was counted after {@code earlier} was read. */
    public CounterSnapshot minus(CounterSnapshot earlier) {
        Map<ErrorKind, Long> errorDelta = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            errorDelta.put(kind, errors(kind) - earlier.errors(kind));
        }
        return new CounterSnapshot(connectionsCreated - earlier.connectionsCreated, tlsHandshakes - earlier.tlsHandshakes,
                requests - earlier.requests, recreations - earlier.recreations, refreshes - earlier.refreshes,
                leaks - earlier.leaks, overflows - earlier.overflows, releasedOnClose - earlier.releasedOnClose,
                dnsRetired - earlier.dnsRetired, lifetimeExpired - earlier.lifetimeExpired, errorDelta);
    }
}
