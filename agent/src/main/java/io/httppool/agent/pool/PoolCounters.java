package io.httppool.agent.pool;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Monotonic counters of one managed pool, incremented by the library's helpers on the request path
 * (so: {@link LongAdder}, no contention between request threads) and read by health checks and reports.
 */
public final class PoolCounters {

    /** Kinds of failure counted in {@code http_client_errors_total{kind=...}}. */
    public enum ErrorKind {
        /** TCP connect refused, unreachable or timed out. */
        CONNECT,
        /** TLS handshake or certificate/hostname verification failed. */
        TLS,
        /** No pooled connection became free within HTTP_POOL_TIMEOUT. */
        POOL_TIMEOUT,
        /** I/O failure on an established connection (reset, read timeout, server closed early). */
        IO,
        /** A request ended with an Error (OutOfMemoryError...), after which HttpClient tries to close its pool. */
        FATAL;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * The kind of a failed request judged from its exception alone (wrappers such as
         * {@code ExecutionException} looked through), for libraries whose hooks see only how a request ended,
         * not where it failed. Null for what is no connection trouble: a cancellation, a protocol error, the
         * application's own exception. Library exceptions are matched by simple name, so the core names no
         * library type.
         */
        public static ErrorKind ofFailure(Throwable failure) {
            Throwable cause = failure;
            for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
                String name = cause.getClass().getSimpleName();
                if (cause instanceof Error) {
                    return FATAL;
                }
                if (cause instanceof javax.net.ssl.SSLException) {
                    return TLS;
                }
                if (cause instanceof java.net.ConnectException || cause instanceof java.net.NoRouteToHostException
                        || cause instanceof java.net.UnknownHostException || name.equals("ConnectTimeoutException")) {
                    return CONNECT;
                }
                if (name.equals("ConnectionRequestTimeoutException") || name.equals("DeadlineTimeoutException")) {
                    return POOL_TIMEOUT;
                }
                if (cause instanceof java.io.IOException) {
                    return IO;
                }
            }
            return null;
        }
    }

    private final LongAdder connectionsCreated = new LongAdder();
    private final LongAdder tlsHandshakes = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder recreations = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final LongAdder leaks = new LongAdder();
    private final LongAdder overflows = new LongAdder();
    private final LongAdder releasedOnClose = new LongAdder();
    private final LongAdder dnsRetired = new LongAdder();
    private final LongAdder lifetimeExpired = new LongAdder();
    private final Map<ErrorKind, LongAdder> errors = new EnumMap<>(ErrorKind.class);

    public PoolCounters() {
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind, new LongAdder());
        }
    }

    public void connectionCreated() {
        connectionsCreated.increment();
    }

    public void tlsHandshake() {
        tlsHandshakes.increment();
    }

    public void request() {
        requests.increment();
    }

    public void recreated() {
        recreations.increment();
    }

    public void refreshed() {
        refreshes.increment();
    }

    public void leak() {
        leaks.increment();
    }

    /** A lease beyond HTTP_MAX_CONNECTIONS (HTTP_POOL_ON_EXHAUSTED=overflow). */
    public void overflowed() {
        overflows.increment();
    }

    /** A connection still leased by a client the application closed, closed with it. */
    public void closedWithClient() {
        releasedOnClose.increment();
    }

    /** A connection retired because its host name no longer resolves to the address it went to. */
    public void retiredByDns() {
        dnsRetired.increment();
    }

    /** A connection retired at HTTP_POOL_MAX_CONNECTION_LIFETIME. */
    public void expiredByLifetime() {
        lifetimeExpired.increment();
    }

    public void error(ErrorKind kind) {
        errors.get(kind).increment();
    }

    public long connectionsCreated() {
        return connectionsCreated.sum();
    }

    public long tlsHandshakes() {
        return tlsHandshakes.sum();
    }

    public long requests() {
        return requests.sum();
    }

    public long recreations() {
        return recreations.sum();
    }

    public long refreshes() {
        return refreshes.sum();
    }

    public long leaks() {
        return leaks.sum();
    }

    public long overflows() {
        return overflows.sum();
    }

    public long releasedOnClose() {
        return releasedOnClose.sum();
    }

    public long dnsRetired() {
        return dnsRetired.sum();
    }

    public long lifetimeExpired() {
        return lifetimeExpired.sum();
    }

    public long errors(ErrorKind kind) {
        return errors.get(kind).sum();
    }

    /** Every error kind with its count, in declaration order. */
    public Map<ErrorKind, Long> errors() {
        Map<ErrorKind, Long> snapshot = new EnumMap<>(ErrorKind.class);
        for (Map.Entry<ErrorKind, LongAdder> entry : errors.entrySet()) {
            snapshot.put(entry.getKey(), entry.getValue().sum());
        }
        return Collections.unmodifiableMap(snapshot);
    }
}
