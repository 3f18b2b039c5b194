package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.log.AgentLog;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;

/**
 * Connection managers the application makes itself, {@code new PoolingHttpClientConnectionManager()}, and
 * hands to {@code HttpClients.custom().setConnectionManager(cm)}: often once per request, as in many
 * examples. Such a manager is made with the no-argument constructor, which builds exactly what a default
 * {@link PoolingHttpClientConnectionManagerBuilder} builds; its limits ({@code setMaxTotal},
 * {@code setDefaultMaxPerRoute}) are readable. So when the client is built, a manager that
 * <ul>
 *   <li>was made with {@code new PoolingHttpClientConnectionManager()} (not a subclass, no arguments),</li>
 *   <li>had no setter called but those two limits,</li>
 *   <li>has no connection yet, and is owned by its client (not {@code setConnectionManagerShared(true)}),</li>
 * </ul>
 * is replaced, for that client only, by the managed manager of the equivalent builder (its limits as the
 * application's own limits). Any other manager is left alone, with one log line saying why. A setter called
 * after the client was built no longer reaches that client's connections: that is logged once.
 */
final class Apache5OwnManagers {

    /** The no-argument constructor's limits ({@code DEFAULT_MAX_TOTAL_CONNECTIONS}, {@code DEFAULT_MAX_CONNECTIONS_PER_ROUTE}). */
    private static final int LIBRARY_DEFAULT_MAX_TOTAL = 25;
    private static final int LIBRARY_DEFAULT_MAX_PER_ROUTE = 5;

    /** What the agent knows of one manager made with the no-argument constructor. */
    private static final class Made {
        volatile String leftAloneBecause;
        volatile String pooledIn;
    }

    /** Weak: a per-request manager is forgotten with its client. */
    private static final Map<PoolingHttpClientConnectionManager, Made> MADE = Collections.synchronizedMap(new WeakHashMap<>());

    private Apache5OwnManagers() {
    }

    /** {@code new PoolingHttpClientConnectionManager()} returned. */
    static void made(PoolingHttpClientConnectionManager manager) {
        if (manager.getClass() == PoolingHttpClientConnectionManager.class) {
            MADE.put(manager, new Made());
        }
    }

    /**
     * A setter was called on a manager the application made. Limits may be set before the client is built
     * (they become the shared pool's); any other setter makes the manager the application's alone.
     */
    static void configured(PoolingHttpClientConnectionManager manager, String setter, boolean limit) {
        Made made = MADE.get(manager);
        if (made == null) {
            return;
        }
        if (made.pooledIn != null) {
            AgentLog.warnOnce("apache5-own-manager-changed:" + setter, "PoolingHttpClientConnectionManager." + setter
                    + " was called on a manager made with new after its client was built: the agent pools that client's"
                    + " connections in " + made.pooledIn + ", where the change does not apply. Configure the manager"
                    + " before building the client, or set HTTP_POOL_APACHE5_ENABLED=false.", null);
        } else if (!limit && made.leftAloneBecause == null) {
            made.leftAloneBecause = setter + " was called on it";
        }
    }

    /**
     * {@code HttpClientBuilder.build()} starts with {@code manager} set on the builder: the managed manager to
     * build the client with instead, or null to leave it alone.
     */
    static PoolingHttpClientConnectionManager sharedInsteadOf(PoolingHttpClientConnectionManager manager, boolean sharedByApplication) {
        if (sharedByApplication) {
            return null; // the application keeps one manager for many clients: already pooled
        }
        Made made = MADE.get(manager);
        String why = made == null ? "it was made with constructor arguments or is a subclass"
                : made.leftAloneBecause != null ? made.leftAloneBecause
                : manager.getTotalStats().getLeased() + manager.getTotalStats().getAvailable() > 0 ? "it already has connections"
                : null;
        if (why != null) {
            AgentLog.infoOnce("apache5-own-manager:" + why, "A client built with its own PoolingHttpClientConnectionManager is"
                    + " not pooled: " + why + ". Build the manager with PoolingHttpClientConnectionManagerBuilder to have"
                    + " it pooled.");
            return null;
        }
        PoolingHttpClientConnectionManagerBuilder equivalent = PoolingHttpClientConnectionManagerBuilder.create();
        if (manager.getMaxTotal() != LIBRARY_DEFAULT_MAX_TOTAL) {
            equivalent.setMaxConnTotal(manager.getMaxTotal());
        }
        if (manager.getDefaultMaxPerRoute() != LIBRARY_DEFAULT_MAX_PER_ROUTE) {
            equivalent.setMaxConnPerRoute(manager.getDefaultMaxPerRoute());
        }
        PoolingHttpClientConnectionManager shared = Apache5Pools.sharedManagerFor(equivalent);
        Apache5ManagedPool pool = shared != null ? Apache5Pools.poolOf(shared) : null;
        if (pool != null) {
            made.pooledIn = pool.name();
        }
        return shared;
    }
}
