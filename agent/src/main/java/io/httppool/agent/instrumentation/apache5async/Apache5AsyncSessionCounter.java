package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.pool.PoolCounters;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;

/**
 * The I/O session listener of a shared real client: counts the connections its reactor opens, their TLS
 * handshakes and how many are open, then tells the application's own listener (part of the setup) as the
 * library would have.
 */
final class Apache5AsyncSessionCounter implements IOSessionListener {

    private final PoolCounters counters;
    private final IOSessionListener application;
    private final AtomicInteger open = new AtomicInteger();

    Apache5AsyncSessionCounter(PoolCounters counters, IOSessionListener application) {
        this.counters = counters;
        this.application = application;
    }

    int open() {
        return open.get();
    }

    @Override
    public void connected(IOSession session) {
        counters.connectionCreated();
        open.incrementAndGet();
        if (application != null) {
            application.connected(session);
        }
    }

    @Override
    public void startTls(IOSession session) {
        counters.tlsHandshake();
        if (application != null) {
            application.startTls(session);
        }
    }

    @Override
    public void disconnected(IOSession session) {
        open.decrementAndGet();
        if (application != null) {
            application.disconnected(session);
        }
    }

    @Override
    public void inputReady(IOSession session) {
        if (application != null) {
            application.inputReady(session);
        }
    }

    @Override
    public void outputReady(IOSession session) {
        if (application != null) {
            application.outputReady(session);
        }
    }

    @Override
    public void timeout(IOSession session) {
        if (application != null) {
            application.timeout(session);
        }
    }

    @Override
    public void exception(IOSession session, Exception ex) {
        if (application != null) {
            application.exception(session, ex);
        }
    }
}
