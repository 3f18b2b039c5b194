package io.httppool.agent.instrumentation.apache5;

import java.lang.ref.WeakReference;
import java.util.Objects;

/**
 * The pool state of a connection through a proxy: the client that opened it, plus the user token the
 * request carried. A CONNECT tunnel may be authenticated with one client's proxy credentials (Basic), and
 * HttpClient returns it to the pool with no user token; keyed by its client, it only serves that client
 * again, as it would have in the client's own pool. The client is held weakly: an idle tunnel must not
 * keep a dropped client alive, and a tunnel whose client is gone is {@link #orphaned()} (closed by
 * housekeeping, since nobody can lease it any more).
 */
final class Apache5TunnelState {

    private final WeakReference<Object> client;
    private final int clientHash;
    private final Object userToken;

    Apache5TunnelState(Object client, Object userToken) {
        this.client = new WeakReference<>(client);
        this.clientHash = System.identityHashCode(client);
        this.userToken = userToken;
    }

    boolean ownedBy(Object candidate) {
        return candidate != null && client.get() == candidate;
    }

    boolean orphaned() {
        return client.get() == null;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Apache5TunnelState)) {
            return false;
        }
        Apache5TunnelState that = (Apache5TunnelState) other;
        Object mine = client.get();
        return mine != null && mine == that.client.get() && Objects.equals(userToken, that.userToken);
    }

    @Override
    public int hashCode() {
        return 31 * clientHash + Objects.hashCode(userToken);
    }
}
