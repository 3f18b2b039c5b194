package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.instrumentation.AdviceErrors;
import io.httppool.agent.log.AgentLog;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.pool.PoolEntry;

/**
 * One leased connection being watched. Holds what is needed to return the connection if its endpoint is
 * dropped unreleased (the endpoint's entry reference and the manager that leased it) but never the
 * endpoint itself, so the endpoint can become unreachable.
 */
final class Apache5Lease implements Runnable {

    private final Apache5LeakTracker tracker;
    private final AtomicReference<PoolEntry<HttpRoute, ?>> entryRef;
    private final PoolingHttpClientConnectionManager owner;
    private final long leasedAtNanos = System.nanoTime();
    private final String thread = Thread.currentThread().getName();
    private final Throwable leasedAt;
    private volatile Cleaner.Cleanable cleanable;
    private volatile boolean reportedLong;

    Apache5Lease(Apache5LeakTracker tracker, AtomicReference<PoolEntry<HttpRoute, ?>> entryRef,
                 PoolingHttpClientConnectionManager owner, Throwable leasedAt) {
        this.tracker = tracker;
        this.entryRef = entryRef;
        this.owner = owner;
        this.leasedAt = leasedAt;
    }

    void watchedBy(Cleaner.Cleanable cleanable) {
        this.cleanable = cleanable;
    }

    /** The lease ended normally: stop watching. */
    void released() {
        Cleaner.Cleanable watch = cleanable;
        if (watch != null) {
            watch.clean(); // runs run() now: it finds the entry already detached and does nothing
        }
    }

    boolean stillLeased() {
        return entryRef.get() != null;
    }

    long heldMillis() {
        return (System.nanoTime() - leasedAtNanos) / 1_000_000;
    }

    String thread() {
        return thread;
    }

    Throwable leasedAt() {
        return leasedAt;
    }

    boolean markReportedLong() {
        if (reportedLong) {
            return false;
        }
        reportedLong = true;
        return true;
    }

    Object key() {
        return entryRef;
    }

    /** Called by the cleaner: on release (entry already detached) or when the endpoint became unreachable. */
    @Override
    public void run() {
        tracker.forget(this);
        PoolEntry<HttpRoute, ?> entry = entryRef.getAndSet(null);
        if (entry == null) {
            return;
        }
        try {
            Apache5PoolInternals.returnLeaked(owner, entry);
            tracker.leaked(this, entry.getRoute());
        } catch (Throwable error) {
            AdviceErrors.record("leaked connection reclaim", error);
            AgentLog.log().debug("could not reclaim leaked lease", error);
        }
    }
}
