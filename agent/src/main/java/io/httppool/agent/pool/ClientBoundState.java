package io.httppool.agent.pool;

import java.lang.ref.WeakReference;
import java.util.Objects;

/**
 * The pool state of a connection that must serve one client only, such as a connection through a proxy:
 * the client that opened it, plus the user token the request carried. A CONNECT tunnel may be
 * authenticated with one client's proxy credentials (Basic), and HttpClient (4 and 5) returns it to the
 * pool with no user token; keyed by its client, it only serves that client again, as it would have in the
 * client's own pool. The client is held weakly: an idle tunnel must not keep a dropped client alive, and a
 * tunnel whose client is gone is {@link #orphaned()} (closed by housekeeping, since nobody can lease it any more).
 */
public final class ClientBoundState {

    /**
     * Whether any connection was ever bound to a client. Until one is, a closed client cannot have bound
     * idle connections, and the scan for them (under the library pool's lock, on every close of a
     * per-request client) is skipped.
     */
    private static volatile boolean anyMade;

    private final WeakReference<Object> client;
    private final int clientHash;
    private final Object userToken;

    public ClientBoundState(Object client, Object userToken) {
        this.client = new WeakReference<>(client);
        this.clientHash = System.identityHashCode(client);
        this.userToken = userToken;
        anyMade = true;
    }

    /** Whether a connection may be bound to a client: see the field's comment. */
    public static boolean anyMade() {
        return anyMade;
    }

    public boolean ownedBy(Object candidate) {
        return candidate != null && client.get() == candidate;
    }

    public boolean orphaned() {
        return client.get() == null;
    }

    /** True for the state of an idle connection that only {@code client} could lease. */
    public static boolean boundTo(Object state, Object client) {
        return state instanceof ClientBoundState && ((ClientBoundState) state).ownedBy(client);
    }

    /** True for the state of an idle connection whose client is gone: nobody can lease it any more. */
    public static boolean orphaned(Object state) {
        return state instanceof ClientBoundState && ((ClientBoundState) state).orphaned();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ClientBoundState)) {
            return false;
        }
        ClientBoundState that = (ClientBoundState) other;
        Object mine = client.get();
        return mine != null && mine == that.client.get() && Objects.equals(userToken, that.userToken);
    }

    @Override
    public int hashCode() {
        return 31 * clientHash + Objects.hashCode(userToken);
    }
}
