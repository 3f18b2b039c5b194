package io.httppool.agent.instrumentation.apache4;

import io.httppool.agent.instrumentation.UnchangingAnswers;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.pool.CurrentRequest;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.http.HttpClientConnection;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpRequest;
import org.apache.http.conn.ConnectionRequest;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.protocol.HttpContext;

/**
 * The only methods the woven code calls (see {@link Apache4Instrumentation#hooks()}). Each one either
 * answers "do what the library would have done" when anything of the agent's fails (the error counted and
 * logged once), or, for the methods named {@code redirect...}, does the library's own work on another
 * manager and lets what the library throws through, as the library would have.
 *
 * <p>Each guard's first statement is {@link FaultPoint#reached} with {@code apache4.} and the method's name,
 * where the fault-injection tests make the agent throw.
 */
public final class Apache4Hooks {

    /** Methods HttpClient 4's default retry handler would resend on a fresh connection, when they carry no body. */
    private static final Set<String> RETRIED = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private Apache4Hooks() {
    }

    // ---- clients are built ---------------------------------------------------------------------------

    public static void clientBuildStarting(HttpClientBuilder builder) {
        try {
            FaultPoint.reached("apache4.clientBuildStarting");
            Apache4Pools.clientBuildStarting(builder);
        } catch (Throwable error) {
            AgentErrors.record("HttpClient 4 client build", error);
            Apache4Pools.clientBuildUntouched(); // the builder keeps its own manager field: the client's own pool
        }
    }

    public static void clientBuildEnded(Throwable thrown) {
        try {
            FaultPoint.reached("apache4.clientBuildEnded");
            Apache4Pools.clientBuildEnded();
        } catch (Throwable error) {
            AgentErrors.record("HttpClient 4 client build", error);
            Apache4Pools.clientBuildEnded(); // the builder must get its field back, and the thread's build stack stay even
        }
    }

    public static CloseableHttpClient minimalClient() {
        try {
            FaultPoint.reached("apache4.minimalClient");
            Apache4ManagedPool pool = Apache4Pools.defaultPool();
            return pool != null ? HttpClients.createMinimal(pool.manager()) : null;
        } catch (Throwable error) {
            AgentErrors.record("HttpClients.createMinimal()", error);
            return null;
        }
    }

    public static void noArgManagerCreated(PoolingHttpClientConnectionManager manager) {
        try {
            FaultPoint.reached("apache4.noArgManagerCreated");
            Apache4Pools.noArgManagerCreated(manager);
        } catch (Throwable error) {
            AgentErrors.record("connection manager creation", error);
        }
    }

    public static void managerConfigured(PoolingHttpClientConnectionManager manager, String setter) {
        try {
            FaultPoint.reached("apache4.managerConfigured");
            Apache4Pools.managerConfigured(manager, setter);
        } catch (Throwable error) {
            AgentErrors.record("connection manager configuration", error);
        }
    }

    // ---- the managed manager --------------------------------------------------------------------------

    public static boolean ignoresShutdown(PoolingHttpClientConnectionManager manager) {
        try {
            FaultPoint.reached("apache4.ignoresShutdown");
            return Apache4Pools.ignoresShutdown(manager);
        } catch (Throwable error) {
            AgentErrors.record("manager shutdown", error);
            // Not "do as the library would": shutting down a manager the agent shares would fail every other
            // client's requests. In doubt it stays open; at worst an application's own manager is left open
            // until it is garbage-collected (as for HttpClient 5).
            return Apache4Pools.mayBeShared(manager);
        }
    }

    public static ConnectionRequest managedRequest(PoolingHttpClientConnectionManager manager, HttpRoute route, Object state) {
        try {
            FaultPoint.reached("apache4.managedRequest");
            return Apache4Pools.managedRequest(manager, route, state);
        } catch (Throwable error) {
            AgentErrors.record("connection request", error);
            return null;
        }
    }

    public static boolean managedRelease(PoolingHttpClientConnectionManager manager, HttpClientConnection connection,
                                         Object state, long keepAlive, TimeUnit unit) {
        try {
            FaultPoint.reached("apache4.managedRelease");
            return Apache4Pools.managedRelease(manager, connection, state, keepAlive, unit);
        } catch (Throwable error) {
            AgentErrors.record("connection release", error);
            return false; // the library releases it (a second release of the same connection is ignored)
        }
    }

    public static int connectTimeout(PoolingHttpClientConnectionManager manager, int requested) {
        try {
            FaultPoint.reached("apache4.connectTimeout");
            return Apache4Pools.connectTimeout(manager, requested);
        } catch (Throwable error) {
            AgentErrors.record("connect timeout", error);
            return requested;
        }
    }

    /** Throws what the owning manager's {@code connect} throws. */
    public static boolean redirectConnect(PoolingHttpClientConnectionManager manager, HttpClientConnection connection,
                                          HttpRoute route, int connectTimeout, HttpContext context) throws IOException {
        return Apache4Pools.redirectConnect(manager, connection, route, connectTimeout, context);
    }

    public static void connected(Throwable thrown, PoolingHttpClientConnectionManager manager, HttpClientConnection connection,
                                 HttpRoute route) {
        try {
            FaultPoint.reached("apache4.connected");
            Apache4Pools.connected(manager, connection, route, thrown);
        } catch (Throwable error) {
            AgentErrors.record("connect", error);
        }
    }

    /** Throws what the owning manager's {@code upgrade} throws. */
    public static boolean redirectUpgrade(PoolingHttpClientConnectionManager manager, HttpClientConnection connection,
                                          HttpRoute route, HttpContext context) throws IOException {
        return Apache4Pools.redirectUpgrade(manager, connection, route, context);
    }

    public static void upgraded(Throwable thrown, PoolingHttpClientConnectionManager manager, HttpRoute route) {
        try {
            FaultPoint.reached("apache4.upgraded");
            Apache4Pools.upgraded(manager, route, thrown);
        } catch (Throwable error) {
            AgentErrors.record("TLS upgrade", error);
        }
    }

    // ---- requests -------------------------------------------------------------------------------------

    public static void exchangeStarting(Object client, HttpRequest request) {
        try {
            FaultPoint.reached("apache4.exchangeStarting");
            CurrentRequest.clientStarting(client, notRetried(request));
        } catch (Throwable error) {
            AgentErrors.record("request start", error);
            CurrentRequest.startFailed();
        }
    }

    public static void exchangeEnded(Throwable thrown) {
        try {
            FaultPoint.reached("apache4.exchangeEnded");
            CurrentRequest.ended();
        } catch (Throwable error) {
            AgentErrors.record("request end", error);
        }
    }

    public static void hopStarting(HttpRequest request) {
        try {
            FaultPoint.reached("apache4.hopStarting");
            CurrentRequest.hopStarting(notRetried(request));
        } catch (Throwable error) {
            AgentErrors.record("request hop start", error);
            CurrentRequest.startFailed();
        }
    }

    public static void hopEnded(Throwable thrown, Object manager, HttpRoute route) {
        try {
            FaultPoint.reached("apache4.hopEnded");
            if (thrown != null) {
                Apache4Pools.hopFailed(manager, route, thrown);
            }
        } catch (Throwable error) {
            AgentErrors.record("request failure", error);
        } finally {
            exchangeEnded(thrown);
        }
    }

    /**
     * Whether HttpClient 4 would fail this request on a connection the server closed instead of resending
     * it: its default retry handler resends only requests without a body ({@code HttpEntityEnclosingRequest}),
     * and the usual other one only idempotent methods.
     */
    static boolean notRetried(HttpRequest request) {
        return request instanceof HttpEntityEnclosingRequest || !RETRIED.contains(request.getRequestLine().getMethod());
    }

    // ---- answers that cannot change -------------------------------------------------------------------

    public static String cachedUserAgent(String name, String pkg, Class<?> cls) {
        try {
            FaultPoint.reached("apache4.cachedUserAgent");
            return UnchangingAnswers.lookup(UnchangingAnswers.question("getUserAgent", name, pkg), cls);
        } catch (Throwable error) {
            AgentErrors.record("User-Agent cache", error);
            return null;
        }
    }

    public static String rememberUserAgent(String userAgent, String name, String pkg, Class<?> cls) {
        try {
            FaultPoint.reached("apache4.rememberUserAgent");
            UnchangingAnswers.remember(UnchangingAnswers.question("getUserAgent", name, pkg), cls, userAgent);
        } catch (Throwable error) {
            AgentErrors.record("User-Agent cache", error);
        }
        return userAgent;
    }

    public static void clientClosing(Object client) {
        try {
            FaultPoint.reached("apache4.clientClosing");
            Apache4Pools.clientClosing(client);
        } catch (Throwable error) {
            AgentErrors.record("client close", error);
        }
    }

    public static void clientClosed(Throwable thrown) {
        try {
            FaultPoint.reached("apache4.clientClosed");
            Apache4Pools.clientClosed();
        } catch (Throwable error) {
            AgentErrors.record("client close", error);
        }
    }
}
