package io.httppool.agent.instrumentation.apache5;

/**
 * What the current thread is executing: which client (for releasing its connections when it is closed)
 * and which request method (for validating a reused connection before a POST). Set where a client starts
 * a request and where a connection is acquired for one hop of it; nested requests (one made from inside
 * another's interceptor) stack, each exit restoring the previous.
 */
final class Apache5Exchange {

    private static final ThreadLocal<Apache5Exchange> CURRENT = new ThreadLocal<>();

    final Object client;
    final String method;
    private final Apache5Exchange previous;

    private Apache5Exchange(Object client, String method, Apache5Exchange previous) {
        this.client = client;
        this.method = method;
        this.previous = previous;
    }

    /** A client's {@code doExecute} starts a request. */
    static void clientStarting(Object client, String method) {
        CURRENT.set(new Apache5Exchange(client, method, CURRENT.get()));
    }

    /** {@code ConnectExec} acquires a connection for one hop (a redirect may change the method). */
    static void hopStarting(String method) {
        Apache5Exchange current = CURRENT.get();
        CURRENT.set(new Apache5Exchange(current != null ? current.client : null, method, current));
    }

    /** The matching exit of either start. */
    static void ended() {
        Apache5Exchange current = CURRENT.get();
        if (current == null || current.previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(current.previous);
        }
    }

    /** The innermost exchange of this thread, or null outside any request. */
    static Apache5Exchange current() {
        return CURRENT.get();
    }
}
