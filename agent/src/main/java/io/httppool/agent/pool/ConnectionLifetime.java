package io.httppool.agent.pool;

/**
 * HTTP_POOL_MAX_CONNECTION_LIFETIME: a pooled connection is retired once it is that old, so that load
 * spreads again over instances added behind a load balancer whose address does not change. Each
 * connection's deadline comes up to a tenth earlier, by a fraction fixed per connection, so connections
 * opened together (a pool filled at start-up) are not all replaced in the same second.
 */
public final class ConnectionLifetime {

    public static final ConnectionLifetime NONE = new ConnectionLifetime(0);

    private final long lifetimeMillis;

    public ConnectionLifetime(long lifetimeMillis) {
        this.lifetimeMillis = lifetimeMillis;
    }

    public boolean bounded() {
        return lifetimeMillis > 0;
    }

    /**
     * Whether a connection created at {@code createdMillis} is past its lifetime at {@code nowMillis}.
     *
     * @param connection identifies the connection for its spread (its identity hash)
     */
    public boolean expired(long createdMillis, long nowMillis, Object connection) {
        if (lifetimeMillis <= 0) {
            return false;
        }
        long spread = lifetimeMillis / 10 * (System.identityHashCode(connection) % 1_000) / 1_000;
        return nowMillis - createdMillis >= lifetimeMillis - spread;
    }

    public long millis() {
        return lifetimeMillis;
    }
}
