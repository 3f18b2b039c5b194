package io.httppool.agent.instrumentation.apache5async;

import java.util.concurrent.RejectedExecutionException;

/**
 * The life of one application client whose requests run on a shared client: start, shutdown and close
 * answered as the library's own client answers them (HttpClient 5.5: {@code AbstractHttpAsyncClientBase},
 * its I/O reactor and its connection manager), without touching anything shared.
 * <ul>
 *   <li>before {@code start()} a request is refused ({@code CancellationException}: "Request execution
 *       cancelled"); {@code getStatus()} is INACTIVE, ACTIVE once started;</li>
 *   <li>{@code initiateShutdown()}: SHUTTING_DOWN (SHUT_DOWN if never started); new requests are refused as
 *       by a reactor shutting down, those in flight finish;</li>
 *   <li>{@code close(GRACEFUL)} waits up to {@value #GRACE_MILLIS} ms for the requests in flight, as the
 *       library's reactor does, then the rest are ended by the caller; {@code close(IMMEDIATE)} ends them at
 *       once; afterwards requests are refused as by a closed connection pool (or a shut-down reactor, when
 *       the client did not own its manager), and a {@code start()} of a client closed before it ever started
 *       is rejected, as the library's closed executor rejects it.</li>
 * </ul>
 * Pure bookkeeping under one monitor; the caller does the I/O.
 */
final class Apache5AsyncLifecycle {

    /** As {@code IOReactorStatus}. */
    enum Status {
        INACTIVE, ACTIVE, SHUTTING_DOWN, SHUT_DOWN
    }

    /** Why a request is refused, in the library's words. */
    enum Refusal {
        /** Not started: {@code CancellationException("Request execution cancelled")}. */
        NOT_STARTED,
        /** Closed, and the client owned its manager: {@code IllegalStateException("Connection pool shut down")}. */
        POOL_SHUT_DOWN,
        /** Shut down or shutting down: {@code IOReactorShutdownException("I/O reactor has been shut down")}. */
        REACTOR_SHUT_DOWN
    }

    /** How long the library's {@code close(GRACEFUL)} lets its reactor finish what is in flight. */
    static final long GRACE_MILLIS = 5_000;

    private final boolean ownsManager;
    private boolean running;
    private boolean closed;
    private boolean managerClosed;
    private Status reactor = Status.INACTIVE;
    private int inFlight;

    /** @param ownsManager closing the client closes its connection manager (the library's default) */
    Apache5AsyncLifecycle(boolean ownsManager) {
        this.ownsManager = ownsManager;
    }

    /** {@code start()}; throws as the library does for a client closed before it was ever started. */
    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        if (closed) {
            throw new RejectedExecutionException("the client was closed before it was started");
        }
        if (reactor == Status.INACTIVE) {
            reactor = Status.ACTIVE;
        }
    }

    synchronized Status status() {
        return reactor;
    }

    /** Null, and the request counted in flight; or why it is refused. */
    synchronized Refusal admit() {
        if (!running) {
            return Refusal.NOT_STARTED;
        }
        if (managerClosed) {
            return Refusal.POOL_SHUT_DOWN;
        }
        if (reactor == Status.SHUTTING_DOWN || reactor == Status.SHUT_DOWN) {
            return Refusal.REACTOR_SHUT_DOWN;
        }
        inFlight++;
        return null;
    }

    /** A request admitted earlier ended. */
    synchronized void ended() {
        inFlight--;
        notifyAll();
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized void initiateShutdown() {
        if (reactor == Status.INACTIVE) {
            reactor = Status.SHUT_DOWN;
        } else if (reactor == Status.ACTIVE) {
            reactor = Status.SHUTTING_DOWN;
        }
        notifyAll();
    }

    /**
     * {@code close(mode)}: shuts down, waits (graceful only) up to {@value #GRACE_MILLIS} ms for what is in
     * flight; true when nothing is left in flight, false when the caller must end the rest.
     */
    synchronized boolean close(boolean graceful) {
        initiateShutdown();
        if (graceful) {
            long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000;
            try {
                waitUntilDrained(deadline);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt(); // as the library: stop waiting, keep the flag
            }
        }
        reactor = Status.SHUT_DOWN;
        closed = true;
        managerClosed = ownsManager;
        notifyAll();
        return inFlight == 0;
    }

    /** {@code awaitShutdown(wait)}: returns once shut down (or shutting down) with nothing in flight, or after {@code millis}. */
    synchronized void awaitShutdown(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, millis) * 1_000_000;
        while (reactor == Status.INACTIVE || reactor == Status.ACTIVE) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        waitUntilDrained(deadline);
    }

    private void waitUntilDrained(long deadline) throws InterruptedException {
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
