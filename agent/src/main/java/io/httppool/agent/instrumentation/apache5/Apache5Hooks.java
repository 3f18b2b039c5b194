package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.instrumentation.UnchangingAnswers;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.pool.CurrentRequest;
import java.io.IOException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.MinimalHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The only methods the woven code calls (see {@link Apache5Instrumentation#hooks()}). Each one either
 * answers "do what the library would have done" when anything of the agent's fails (the error counted and
 * logged once), or, for the methods named {@code redirect...}, does the library's own work on another
 * manager and lets what the library throws through, as the library would have (their agent part guards
 * itself in {@link Apache5Pools}).
 *
 * <p>Every other method is one guard: its first statement is {@link FaultPoint#reached} with the method's
 * name, so the fault-injection tests can make each hook fail at once and see that the application does not
 * notice (Apache5HooksTest keeps this so).
 */
public final class Apache5Hooks {

    private Apache5Hooks() {
    }

    // ---- clients are built ---------------------------------------------------------------------------

    public static PoolingHttpClientConnectionManager sharedManager(PoolingHttpClientConnectionManagerBuilder builder) {
        try {
            FaultPoint.reached("sharedManager");
            return Apache5Pools.sharedManagerFor(builder);
        } catch (Throwable error) {
            AgentErrors.record("Apache HttpClient 5 pool lookup", error);
            return null;
        }
    }

    public static void clientBuildStarting(Object clientBuilder) {
        try {
            FaultPoint.reached("clientBuildStarting");
            Apache5Pools.clientBuildStarting(clientBuilder);
        } catch (Throwable error) {
            AgentErrors.record("private client check", error);
            Apache5Pools.connectionStateUnknown();
        }
    }

    public static void clientBuildEnded(Throwable thrown) {
        try {
            FaultPoint.reached("clientBuildEnded");
            Apache5Pools.clientBuildEnded();
        } catch (Throwable error) {
            AgentErrors.record("client build end", error);
            Apache5Pools.clientBuildEnded(); // a thread left marked would never share again
        }
    }

    public static void managerMade(PoolingHttpClientConnectionManager manager) {
        try {
            FaultPoint.reached("managerMade");
            Apache5Pools.managerMade(manager);
        } catch (Throwable error) {
            AgentErrors.record("connection manager made", error);
        }
    }

    public static void limitChanging(PoolingHttpClientConnectionManager manager, String setter) {
        try {
            FaultPoint.reached("limitChanging");
            Apache5Pools.limitChanging(manager, setter);
        } catch (Throwable error) {
            AgentErrors.record("connection manager limits", error);
        }
    }

    /** {@code HttpClients.createDefault()}: a client of its own on the shared default client, or null for the library's. */
    public static org.apache.hc.client5.http.impl.classic.CloseableHttpClient defaultClient() {
        try {
            FaultPoint.reached("defaultClient");
            return Apache5DefaultClients.newClient();
        } catch (Throwable error) {
            AgentErrors.record("HttpClients.createDefault()", error);
            return null;
        }
    }

    public static MinimalHttpClient minimalClient() {
        try {
            FaultPoint.reached("minimalClient");
            PoolingHttpClientConnectionManager shared = Apache5Pools.defaultManager();
            return shared != null ? org.apache.hc.client5.http.impl.classic.HttpClients.createMinimal(shared) : null;
        } catch (Throwable error) {
            AgentErrors.record("HttpClients.createMinimal()", error);
            return null;
        }
    }

    // ---- the managed manager --------------------------------------------------------------------------

    public static boolean ignoresClose(PoolingHttpClientConnectionManager manager) {
        try {
            FaultPoint.reached("ignoresClose");
            return Apache5Pools.ignoresClose(manager);
        } catch (Throwable error) {
            AgentErrors.record("manager close", error);
            // Not "do as the library would": closing a manager the agent shares would fail every other
            // client's requests (Connection pool shut down). In doubt it stays open; at worst an application's
            // own manager is left open until it is garbage-collected.
            return Apache5Pools.mayBeShared(manager);
        }
    }

    public static Timeout leaseTimeout(PoolingHttpClientConnectionManager manager, Timeout requested) {
        try {
            FaultPoint.reached("leaseTimeout");
            return Apache5Pools.leaseTimeout(manager, requested);
        } catch (Throwable error) {
            AgentErrors.record("lease timeout", error);
            return requested;
        }
    }

    public static Object leaseState(PoolingHttpClientConnectionManager manager, HttpRoute route, Object state) {
        try {
            FaultPoint.reached("leaseState");
            return Apache5Pools.leaseState(manager, route, state);
        } catch (Throwable error) {
            AgentErrors.record("lease state", error);
            return state;
        }
    }

    public static LeaseRequest managedLease(PoolingHttpClientConnectionManager manager, String id, HttpRoute route,
                                            Timeout requestTimeout, Object state) {
        try {
            FaultPoint.reached("managedLease");
            return Apache5Pools.managedLease(manager, id, route, requestTimeout, state);
        } catch (Throwable error) {
            AgentErrors.record("lease", error);
            return null;
        }
    }

    /** Throws what the owning manager's {@code release} throws. */
    public static boolean redirectRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          Object state, TimeValue keepAlive) {
        return Apache5Pools.redirectRelease(manager, endpoint, state, keepAlive);
    }

    public static TimeValue keepAliveOnRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                               TimeValue keepAlive) {
        try {
            FaultPoint.reached("keepAliveOnRelease");
            return Apache5Pools.keepAliveOnRelease(manager, endpoint, keepAlive);
        } catch (Throwable error) {
            AgentErrors.record("keep-alive on release", error);
            return keepAlive;
        }
    }

    public static Object releaseState(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint, Object state) {
        try {
            FaultPoint.reached("releaseState");
            return Apache5Pools.releaseState(manager, endpoint, state);
        } catch (Throwable error) {
            AgentErrors.record("release state", error);
            return stateAfterError(endpoint, state);
        }
    }

    /** The library's state, but for a proxy tunnel one nothing leases with: it never serves another client. */
    private static Object stateAfterError(ConnectionEndpoint endpoint, Object state) {
        try {
            HttpRoute route = Apache5PoolInternals.routeOf(endpoint);
            return route != null && route.getProxyHost() == null ? state : new Object();
        } catch (Throwable again) {
            return new Object();
        }
    }

    public static void released(Throwable thrown, PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint) {
        try {
            FaultPoint.reached("released");
            Apache5Pools.released(manager, endpoint);
        } catch (Throwable error) {
            AgentErrors.record("release", error);
        }
    }

    /** Throws what the owning manager's {@code connect} throws. */
    public static boolean redirectConnect(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          TimeValue timeout, HttpContext context) throws IOException {
        return Apache5Pools.redirectConnect(manager, endpoint, timeout, context);
    }

    public static TimeValue connectTimeout(PoolingHttpClientConnectionManager manager, TimeValue requested) {
        try {
            FaultPoint.reached("connectTimeout");
            return Apache5Pools.connectTimeout(manager, requested);
        } catch (Throwable error) {
            AgentErrors.record("connect timeout", error);
            return requested;
        }
    }

    public static void connected(Throwable thrown, PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint) {
        try {
            FaultPoint.reached("connected");
            Apache5Pools.connected(manager, endpoint, thrown);
        } catch (Throwable error) {
            AgentErrors.record("connect", error);
        }
    }

    /** Throws what the owning manager's {@code upgrade} throws. */
    public static boolean redirectUpgrade(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          HttpContext context) throws IOException {
        return Apache5Pools.redirectUpgrade(manager, endpoint, context);
    }

    public static void upgraded(Throwable thrown, PoolingHttpClientConnectionManager manager) {
        try {
            FaultPoint.reached("upgraded");
            Apache5Pools.upgraded(manager, thrown);
        } catch (Throwable error) {
            AgentErrors.record("TLS upgrade", error);
        }
    }

    public static void setupChanging(PoolingHttpClientConnectionManager manager, String setter) {
        try {
            FaultPoint.reached("setupChanging");
            Apache5Pools.setupChanging(manager, setter);
        } catch (Throwable error) {
            AgentErrors.record("manager reconfiguration", error);
        }
    }

    // ---- requests -------------------------------------------------------------------------------------

    public static void exchangeStarting(Object client, ClassicHttpRequest request) {
        try {
            FaultPoint.reached("exchangeStarting");
            CurrentRequest.clientStarting(client, nonIdempotent(request));
        } catch (Throwable error) {
            AgentErrors.record("request start", error);
            CurrentRequest.startFailed();
        }
    }

    public static void connectStarting(ClassicHttpRequest request) {
        try {
            FaultPoint.reached("connectStarting");
            CurrentRequest.hopStarting(nonIdempotent(request));
        } catch (Throwable error) {
            AgentErrors.record("request hop start", error);
            CurrentRequest.startFailed();
        }
    }

    /**
     * HttpClient 5 retries idempotent requests that fail on a connection the server closed, never the others.
     * GET, by far the most common, is answered without {@code Method.isIdempotent}, which upper-cases the name
     * (a new string) for every call: this runs twice per request.
     */
    static boolean nonIdempotent(ClassicHttpRequest request) {
        String method = request.getMethod();
        return method != null && !"GET".equals(method) && !org.apache.hc.core5.http.Method.isIdempotent(method);
    }

    public static void exchangeEnded(Throwable thrown) {
        try {
            FaultPoint.reached("exchangeEnded");
            CurrentRequest.ended();
        } catch (Throwable error) {
            AgentErrors.record("request end", error);
        }
    }

    public static void clientClosing(Object client) {
        try {
            FaultPoint.reached("clientClosing");
            Apache5Pools.clientClosing(client);
        } catch (Throwable error) {
            AgentErrors.record("client close", error);
        }
    }

    public static void exchangeFailed(Throwable thrown, Object manager, ExecChain.Scope scope) {
        try {
            FaultPoint.reached("exchangeFailed");
            if (thrown == null) {
                return;
            }
            Apache5Pools.exchangeFailed(manager, scope, thrown);
        } catch (Throwable error) {
            AgentErrors.record("request failure", error);
        }
    }

    // ---- answers that cannot change -------------------------------------------------------------------

    public static String cachedSoftwareInfo(String name, String pkg, Class<?> cls) {
        try {
            FaultPoint.reached("cachedSoftwareInfo");
            return UnchangingAnswers.lookup(UnchangingAnswers.question("getSoftwareInfo", name, pkg), cls);
        } catch (Throwable error) {
            AgentErrors.record("User-Agent cache", error);
            return null;
        }
    }

    public static String rememberSoftwareInfo(String info, String name, String pkg, Class<?> cls) {
        try {
            FaultPoint.reached("rememberSoftwareInfo");
            UnchangingAnswers.remember(UnchangingAnswers.question("getSoftwareInfo", name, pkg), cls, info);
        } catch (Throwable error) {
            AgentErrors.record("User-Agent cache", error);
        }
        return info;
    }

    public static Boolean cachedBrotliProbe() {
        try {
            FaultPoint.reached("cachedBrotliProbe");
            return Apache5BrotliProbeCache.lookup();
        } catch (Throwable error) {
            AgentErrors.record("Brotli probe cache", error);
            return null;
        }
    }

    public static boolean rememberBrotliProbe(boolean available) {
        try {
            FaultPoint.reached("rememberBrotliProbe");
            Apache5BrotliProbeCache.remember(available);
        } catch (Throwable error) {
            AgentErrors.record("Brotli probe cache", error);
        }
        return available;
    }
}
