package io.httppool.demo.backend;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the backend saw, counted on the server side so that the figures do not depend on the
 * agent's own statistics (the thing under test).
 */
public final class BackendCounters {

    private final LongAdder httpConnections = new LongAdder();
    private final LongAdder httpsConnections = new LongAdder();
    private final LongAdder tlsHandshakes = new LongAdder();
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final LongAdder requests = new LongAdder();

    void connectionAccepted(boolean tls) {
        (tls ? httpsConnections : httpConnections).increment();
    }

    void handshakeCompleted() {
        tlsHandshakes.increment();
    }

    void handshakeFailed() {
        tlsHandshakeFailures.increment();
    }

    void requestServed() {
        requests.increment();
    }

    public long httpConnections() {
        return httpConnections.sum();
    }

    public long httpsConnections() {
        return httpsConnections.sum();
    }

    public long tlsHandshakes() {
        return tlsHandshakes.sum();
    }

    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    public long requests() {
        return requests.sum();
    }

    /** The names the admin endpoint publishes; the orchestrator diffs two snapshots. */
    public Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("http_connections", httpConnections());
        values.put("https_connections", httpsConnections());
        values.put("tls_handshakes", tlsHandshakes());
        values.put("tls_handshake_failures", tlsHandshakeFailures());
        values.put("requests", requests());
        return values;
    }
}
