package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.log.FaultPoint;
import java.io.IOException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * What {@code HttpClients.createDefault()} returns under the agent: an {@link Apache5DefaultClient} of its
 * own (cookies, credentials, closed or not) whose requests run on one real default client per class loader
 * (this class is defined in every loader that has HttpClient 5, so its statics are per loader).
 *
 * <p>Why: a default client's exec chain, processors and registries hold no state of any one client (cookies
 * and credentials come from the request's context, which the facade fills with its own), yet building them
 * is most of what a per-request {@code createDefault()} costs once connections are pooled (the
 * builder's ~30 objects per client, and the JIT time to get that code fast). The real client is built by the
 * library's own {@code HttpClientBuilder.create().build()} under the agent's hooks, so its connection manager
 * is the managed default pool's, exactly as each per-request client's would be.
 *
 * <p>The real client is used only while its manager is still that pool's current, shared manager: a pool
 * recreated by the health check gets a new real client; a manager taken out of sharing (the application
 * reconfigured it: it is now that application's own) is never used for anyone else's default client. When
 * no shared real client can be had, sharing ends for this loader: new {@code createDefault()} calls are left
 * to the library, and existing facades each build a default client of their own.
 */
final class Apache5DefaultClients {

    /** The real client and the manager it was built on; replaced together. */
    record Shared(CloseableHttpClient client, Object manager, Apache5ManagedPool pool) {

        /** Still on its pool's current manager, and that manager still the pool's (not taken out of sharing). */
        boolean current() {
            return pool.manager() == manager && Apache5Pools.poolOf(manager) == pool;
        }
    }

    private static volatile Shared shared;
    /** Set once sharing proved impossible in this loader: createDefault() is left to the library from then on. */
    private static volatile boolean unavailable;

    private Apache5DefaultClients() {
    }

    /** A client of its own running on the shared real client, or null to let the library build one. */
    static CloseableHttpClient newClient() {
        return current() != null ? new Apache5DefaultClient() : null;
    }

    /** The shared real client to run a request on now, or null when there is none (the facade then uses its own). Never throws. */
    static Shared currentOrNull() {
        try {
            FaultPoint.reached("defaultClientReal");
            return current();
        } catch (Throwable error) {
            AgentErrors.record("shared default client", error);
            return null;
        }
    }

    private static Shared current() {
        Shared now = shared;
        if (now != null && now.current()) {
            return now;
        }
        if (unavailable) {
            return null;
        }
        synchronized (Apache5DefaultClients.class) {
            now = shared;
            if (now != null && now.current()) {
                return now;
            }
            if (unavailable) {
                return null;
            }
            Shared built = build();
            if (built == null) {
                // Not retried on every request (each try builds a whole client): the library's way from now on.
                unavailable = true;
                shared = null;
                AgentLog.infoOnce("apache5-default-facade", "HttpClients.createDefault() clients are built by the library"
                        + " from now on: no managed default pool to share one default client on");
                return null;
            }
            shared = built;
            return built;
        }
    }

    /** The library's default client, built under the agent's hooks; null (and closed) when its manager is not a managed one. */
    private static Shared build() {
        LibraryField connManager = Apache5Pools.CLIENT_CONN_MANAGER;
        if (connManager == null) {
            return null;
        }
        CloseableHttpClient client = HttpClientBuilder.create().build();
        Object manager;
        try {
            manager = connManager.get(client);
        } catch (RuntimeException error) {
            AgentErrors.record("reading the default client's connection manager", error);
            manager = null;
        }
        Apache5ManagedPool pool = manager != null ? Apache5Pools.poolOf(manager) : null;
        if (pool != null) {
            Shared built = new Shared(client, manager, pool);
            if (built.current()) {
                return built;
            }
        }
        try {
            client.close(); // a manager of its own, not the shared one: closing it closes only that
        } catch (IOException | RuntimeException error) {
            AgentErrors.record("closing an unused default client", error);
        }
        return null;
    }
}
