package io.httppool.agent.pool;

/**
 * What the current thread is executing, as the library's hooks saw it start: which client (for releasing
 * its connections when it is closed, and for connections bound to one client) and whether a stale
 * connection would fail the request instead of being retried by the library (a POST, a request with a
 * body), so that a reused connection is checked first. Set where a client starts a request and where a
 * connection is acquired for one hop of it (a redirect may change the method); nested requests (one made
 * from inside another's interceptor) stack, each exit restoring the previous.
 *
 * <p>A client of the agent's that runs its requests on a shared real client ({@link #clientDelegating})
 * stays the client of those requests: when the real client starts the request, the one that delegated it
 * is recorded instead, so closing it closes its own connections and nobody else's.
 */
public final class CurrentRequest {

    /** Emptied with {@code set(null)}, not {@code remove()}: two requests a thread makes in a row reuse the entry. */
    private static final ThreadLocal<CurrentRequest> CURRENT = new ThreadLocal<>();

    public final Object client;
    public final boolean validateBeforeUse;
    private final CurrentRequest previous;
    /** The shared client this frame's client hands its request to, or null. */
    private final Object delegate;
    /** The connection leased for this hop (a library object), for discarding it when the hop fails with an Error. */
    private Object leased;

    private CurrentRequest(Object client, boolean validateBeforeUse, CurrentRequest previous, Object delegate) {
        this.client = client;
        this.validateBeforeUse = validateBeforeUse;
        this.previous = previous;
        this.delegate = delegate;
    }

    /**
     * A client starts a request. When the innermost request is one that {@code client} runs for another client
     * ({@link #clientDelegating}), that other client is the request's client.
     */
    public static void clientStarting(Object client, boolean validateBeforeUse) {
        CurrentRequest current = CURRENT.get();
        Object owner = current != null && current.delegate != null && current.delegate == client ? current.client : client;
        CURRENT.set(new CurrentRequest(owner, validateBeforeUse, current, null));
    }

    /**
     * {@code client} starts a request that it hands to the shared client {@code delegate}; ended by {@link #ended()}
     * like any other start.
     */
    public static void clientDelegating(Object client, Object delegate, boolean validateBeforeUse) {
        CURRENT.set(new CurrentRequest(client, validateBeforeUse, CURRENT.get(), delegate));
    }

    /** A connection is about to be acquired for one hop of the current request. */
    public static void hopStarting(boolean validateBeforeUse) {
        CurrentRequest current = CURRENT.get();
        CURRENT.set(new CurrentRequest(current != null ? current.client : null, validateBeforeUse, current, null));
    }

    /**
     * A start hook failed before its frame was pushed (the request's method could not be read, an error of the
     * agent): push a stand-in, so that the matching {@link #ended()} pops it rather than the frame of an
     * enclosing request. The stand-in keeps the enclosing request's client and validates a reused connection
     * first, the safe choice for a request of unknown method. Throws nothing: it runs inside a hook's catch.
     */
    public static void startFailed() {
        try {
            CurrentRequest current = CURRENT.get();
            CURRENT.set(new CurrentRequest(current != null ? current.client : null, true, current, null));
        } catch (Throwable ignored) {
            // Out of memory: nothing left to keep balanced with.
        }
    }

    /** The matching exit of either start. */
    public static void ended() {
        CurrentRequest current = CURRENT.get();
        if (current == null || current.previous == null) {
            CURRENT.set(null);
        } else {
            CURRENT.set(current.previous);
        }
    }

    /** The innermost request of this thread, or null outside any request. */
    public static CurrentRequest current() {
        return CURRENT.get();
    }

    /** The client of the innermost request of this thread, or null. */
    public static Object currentClient() {
        CurrentRequest current = CURRENT.get();
        return current != null ? current.client : null;
    }

    public void leased(Object connection) {
        this.leased = connection;
    }

    public Object leasedConnection() {
        return leased;
    }
}
