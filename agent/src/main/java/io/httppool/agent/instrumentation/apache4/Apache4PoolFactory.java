package io.httppool.agent.instrumentation.apache4;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.pool.PoolPolicy;
import org.apache.http.config.SocketConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * Builds the real connection managers behind one managed pool the way {@code HttpClientBuilder.build()}
 * makes them (TLS socket factory, system properties, DNS resolver, time-to-live: the library's own code,
 * whatever this 4.5.x version does), from a private builder carrying the setup's fields, with the agent's
 * settings filled in where the application set nothing:
 * <ul>
 *   <li>no socket config: the agent's read timeout as the socket timeout (the library's is none);</li>
 *   <li>limits: none in the library's pool when the agent's gate applies them; otherwise the application's,
 *       with the agent's value for the one it left unset (the library's 2 per host would throttle every
 *       client sharing the pool);</li>
 *   <li>stale-connection check after HTTP_POOL_VALIDATE_AFTER_INACTIVITY instead of the library's 2 s.</li>
 * </ul>
 */
final class Apache4PoolFactory {

    /** "No limit" for the library's pool behind the gate (half of int's range: no arithmetic overflows). */
    static final int UNBOUNDED = Integer.MAX_VALUE / 2;

    private static final LibraryField CLIENT_CONN_MANAGER = clientField("connManager");

    private final Apache4Setup setup;
    private final PoolPolicy policy;

    Apache4PoolFactory(Apache4Setup setup, PoolPolicy policy) {
        this.setup = setup;
        this.policy = policy;
    }

    /** A new manager of this setup. Called by Apache4Pools with its BUILDING flag set, so that this build() is not intercepted. */
    PoolingHttpClientConnectionManager build() throws ReflectiveOperationException {
        if (CLIENT_CONN_MANAGER == null) {
            throw new NoSuchFieldException("InternalHttpClient.connManager");
        }
        HttpClientBuilder builder = HttpClientBuilder.create();
        setup.applyTo(builder);
        builder.setMaxConnTotal(policy.gated() ? UNBOUNDED : policy.maxTotal());
        builder.setMaxConnPerRoute(policy.gated() ? UNBOUNDED : policy.maxPerRoute());
        if (setup.socketConfig() == null) {
            builder.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(millis(policy.readTimeoutMillis())).build());
        }
        // Only the manager is kept: the client around it holds nothing else that needs closing.
        CloseableHttpClient client = builder.build();
        PoolingHttpClientConnectionManager manager = (PoolingHttpClientConnectionManager) CLIENT_CONN_MANAGER.get(client);
        // 0 would mean "never" to HttpClient 4: the shortest it knows is 1 ms.
        manager.setValidateAfterInactivity(Math.max(1, millis(policy.validateAfterInactivityMillis())));
        return manager;
    }

    static int millis(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    private static LibraryField clientField(String name) {
        return LibraryField.declared("org.apache.http.impl.client.InternalHttpClient", HttpClientBuilder.class.getClassLoader(), name);
    }
}
