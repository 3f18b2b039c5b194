package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.log.FaultPoint;
import java.lang.reflect.Field;
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
 * is the managed default pool's, exactly as each per-request client's would be. When that pool gets a new
 * manager (recreated by the health check), the next request builds a new real client on it.
 */
final class Apache5DefaultClients {

    private static final Field CONN_MANAGER = connManagerField();

    /** The real client and the manager it was built on; replaced together. */
    private record Shared(CloseableHttpClient client, Object manager, Apache5ManagedPool pool) {
    }

    private static volatile Shared shared;
    /** Set once sharing proved impossible in this loader: createDefault() is left to the library from then on. */
    private static volatile boolean unavailable;

    private Apache5DefaultClients() {
    }

    /** A client of its own running on the shared real client, or null to let the library build one. */
    static CloseableHttpClient newClient() {
        if (unavailable) {
            return null;
        }
        Shared current = current(null);
        return current != null ? new Apache5DefaultClient(current.client, current.pool) : null;
    }

    /**
     * The real client to run a request on now: the shared one, renewed when its pool has a new manager;
     * {@code fallback} (the one the facade was made with) when renewing fails. Never throws.
     */
    static CloseableHttpClient realClient(CloseableHttpClient fallback) {
        try {
            FaultPoint.reached("defaultClientReal");
            Shared current = current(fallback);
            return current != null ? current.client : fallback;
        } catch (Throwable error) {
            AgentErrors.record("shared default client", error);
            return fallback;
        }
    }

    private static Shared current(CloseableHttpClient fallback) {
        Shared now = shared;
        if (now != null && now.pool.manager() == now.manager) {
            return now;
        }
        synchronized (Apache5DefaultClients.class) {
            now = shared;
            if (now != null && now.pool.manager() == now.manager) {
                return now;
            }
            Shared built = build();
            if (built != null) {
                shared = built;
                return built;
            }
            if (now == null && fallback == null) {
                unavailable = true;
                AgentLog.infoOnce("apache5-default-facade", "HttpClients.createDefault() clients each get a client of"
                        + " their own (on the managed default pool): the default client's connection manager was not the managed one");
            }
            return now;
        }
    }

    /** The library's default client, built under the agent's hooks; null when its manager is not a managed one. */
    private static Shared build() {
        if (CONN_MANAGER == null) {
            return null;
        }
        CloseableHttpClient client = HttpClientBuilder.create().build();
        Object manager;
        try {
            manager = CONN_MANAGER.get(client);
        } catch (IllegalAccessException error) {
            AgentErrors.record("reading the default client's connection manager", error);
            return null;
        }
        Apache5ManagedPool pool = manager != null ? Apache5Pools.poolOf(manager) : null;
        return pool != null && pool.manager() == manager ? new Shared(client, manager, pool) : null;
    }

    private static Field connManagerField() {
        try {
            Field field = Class.forName("org.apache.hc.client5.http.impl.classic.InternalHttpClient", false,
                    Apache5DefaultClients.class.getClassLoader()).getDeclaredField("connManager");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError error) {
            return null;
        }
    }
}
