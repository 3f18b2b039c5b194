package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.instrumentation.UnchangingAnswers;
import io.httppool.agent.log.AgentErrors;
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
 * manager and lets what the library throws through, as the library would have.
 */
public final class Apache5Hooks {

    private Apache5Hooks() {
    }

    // ---- clients are built ---------------------------------------------------------------------------

    public static PoolingHttpClientConnectionManager sharedManager(PoolingHttpClientConnectionManagerBuilder builder) {
        return Apache5Pools.sharedManagerFor(builder);
    }

    public static void clientBuildStarting(Object clientBuilder) {
        Apache5Pools.clientBuildStarting(clientBuilder);
    }

    public static void clientBuildEnded(Throwable thrown) {
        Apache5Pools.clientBuildEnded();
    }

    public static MinimalHttpClient minimalClient() {
        try {
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
            return Apache5Pools.ignoresClose(manager);
        } catch (Throwable error) {
            AgentErrors.record("manager close", error);
            return false;
        }
    }

    public static Timeout leaseTimeout(PoolingHttpClientConnectionManager manager, Timeout requested) {
        try {
            return Apache5Pools.leaseTimeout(manager, requested);
        } catch (Throwable error) {
            AgentErrors.record("lease timeout", error);
            return requested;
        }
    }

    public static Object leaseState(PoolingHttpClientConnectionManager manager, HttpRoute route, Object state) {
        try {
            return Apache5Pools.leaseState(manager, route, state);
        } catch (Throwable error) {
            AgentErrors.record("lease state", error);
            return state;
        }
    }

    public static LeaseRequest managedLease(PoolingHttpClientConnectionManager manager, String id, HttpRoute route,
                                            Timeout requestTimeout, Object state) {
        return Apache5Pools.managedLease(manager, id, route, requestTimeout, state);
    }

    /** Throws what the owning manager's {@code release} throws. */
    public static boolean redirectRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                          Object state, TimeValue keepAlive) {
        return Apache5Pools.redirectRelease(manager, endpoint, state, keepAlive);
    }

    public static TimeValue keepAliveOnRelease(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint,
                                               TimeValue keepAlive) {
        return Apache5Pools.keepAliveOnRelease(manager, endpoint, keepAlive);
    }

    public static Object releaseState(PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint, Object state) {
        try {
            return Apache5Pools.releaseState(manager, endpoint, state);
        } catch (Throwable error) {
            AgentErrors.record("release state", error);
            return new Object(); // a state nothing leases with: the connection is never handed to another client
        }
    }

    public static void released(Throwable thrown, PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint) {
        try {
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

    public static void connected(Throwable thrown, PoolingHttpClientConnectionManager manager, ConnectionEndpoint endpoint) {
        try {
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
            Apache5Pools.upgraded(manager, thrown);
        } catch (Throwable error) {
            AgentErrors.record("TLS upgrade", error);
        }
    }

    public static void setupChanging(PoolingHttpClientConnectionManager manager, String setter) {
        Apache5Pools.setupChanging(manager, setter);
    }

    // ---- requests -------------------------------------------------------------------------------------

    public static void exchangeStarting(Object client, ClassicHttpRequest request) {
        try {
            CurrentRequest.clientStarting(client, nonIdempotent(request));
        } catch (Throwable error) {
            AgentErrors.record("request start", error);
        }
    }

    public static void connectStarting(ClassicHttpRequest request) {
        try {
            CurrentRequest.hopStarting(nonIdempotent(request));
        } catch (Throwable error) {
            AgentErrors.record("request hop start", error);
        }
    }

    /** HttpClient 5 retries idempotent requests that fail on a connection the server closed, never the others. */
    private static boolean nonIdempotent(ClassicHttpRequest request) {
        String method = request.getMethod();
        return method != null && !org.apache.hc.core5.http.Method.isIdempotent(method);
    }

    public static void exchangeEnded(Throwable thrown) {
        try {
            CurrentRequest.ended();
        } catch (Throwable error) {
            AgentErrors.record("request end", error);
        }
    }

    public static void clientClosing(Object client) {
        try {
            Apache5Pools.clientClosing(client);
        } catch (Throwable error) {
            AgentErrors.record("client close", error);
        }
    }

    public static void exchangeFailed(Throwable thrown, Object manager, ExecChain.Scope scope) {
        if (thrown == null) {
            return;
        }
        try {
            Apache5Pools.exchangeFailed(manager, scope, thrown);
        } catch (Throwable error) {
            AgentErrors.record("request failure", error);
        }
    }

    // ---- answers that cannot change -------------------------------------------------------------------

    public static String cachedSoftwareInfo(String name, String pkg, Class<?> cls) {
        try {
            return UnchangingAnswers.lookup(UnchangingAnswers.question("getSoftwareInfo", name, pkg), cls);
        } catch (Throwable error) {
            AgentErrors.record("User-Agent cache", error);
            return null;
        }
    }

    public static String rememberSoftwareInfo(String info, String name, String pkg, Class<?> cls) {
        try {
            UnchangingAnswers.remember(UnchangingAnswers.question("getSoftwareInfo", name, pkg), cls, info);
        } catch (Throwable error) {
            AgentErrors.record("User-Agent cache", error);
        }
        return info;
    }

    public static Boolean cachedBrotliProbe() {
        try {
            return Apache5BrotliProbeCache.lookup();
        } catch (Throwable error) {
            AgentErrors.record("Brotli probe cache", error);
            return null;
        }
    }

    public static boolean rememberBrotliProbe(boolean available) {
        try {
            Apache5BrotliProbeCache.remember(available);
        } catch (Throwable error) {
            AgentErrors.record("Brotli probe cache", error);
        }
        return available;
    }
}
