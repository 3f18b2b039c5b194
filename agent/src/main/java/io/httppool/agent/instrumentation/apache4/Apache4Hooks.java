package io.httppool.agent.instrumentation.apache4;

import io.httppool.agent.instrumentation.UnchangingAnswers;
import io.httppool.agent.log.AgentErrors;
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
 */
public final class Apache4Hooks {

    /** Methods HttpClient 4's default retry handler would resend on a fresh connection, when they carry no body. */
    private static final Set<String> RETRIED = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private Apache4Hooks() {
    }

    // ---- clients are built ---------------------------------------------------------------------------

    public static void clientBuildStarting(HttpClientBuilder builder) {
        try {
            Apache4Pools.clientBuildStarting(builder);
        } catch (Throwable error) {
            AgentErrors.record("HttpClient 4 client build", error);
        }
    }

    public static void clientBuildEnded(Throwable thrown) {
        try {
            Apache4Pools.clientBuildEnded();
        } catch (Throwable error) {
            AgentErrors.record("HttpClient 4 client build", error);
        }
    }

    public static CloseableHttpClient minimalClient() {
        try {
            Apache4ManagedPool pool = Apache4Pools.defaultPool();
            return pool != null ? HttpClients.createMinimal(pool.manager()) : null;
        } catch (Throwable error) {
            AgentErrors.record("HttpClients.createMinimal()", error);
            return null;
        }
    }

    public static void noArgManagerCreated(PoolingHttpClientConnectionManager manager) {
        try {
            Apache4Pools.noArgManagerCreated(manager);
        } catch (Throwable error) {
            AgentErrors.record("connection manager creation", error);
        }
    }

    public static void managerConfigured(PoolingHttpClientConnectionManager manager, String setter) {
        try {
            Apache4Pools.managerConfigured(manager, setter);
        } catch (Throwable error) {
            AgentErrors.record("connection manager configuration", error);
        }
    }

    // ---- the managed manager --------------------------------------------------------------------------

    public static boolean ignoresShutdown(PoolingHttpClientConnectionManager manager) {
        try {
            return Apache4Pools.ignoresShutdown(manager);
        } catch (Throwable error) {
            AgentErrors.record("manager shutdown", error);
            return false;
        }
    }

    public static ConnectionRequest managedRequest(PoolingHttpClientConnectionManager manager, HttpRoute route, Object state) {
        try {
            return Apache4Pools.managedRequest(manager, route, state);
        } catch (Throwable error) {
            AgentErrors.record("connection request", error);
            return null;
        }
    }

    public static boolean managedRelease(PoolingHttpClientConnectionManager manager, HttpClientConnection connection,
                                         Object state, long keepAlive, TimeUnit unit) {
        try {
            return Apache4Pools.managedRelease(manager, connection, state, keepAlive, unit);
        } catch (Throwable error) {
            AgentErrors.record("connection release", error);
            return false; // the library releases it (a second release of the same connection is ignored)
        }
    }

    public static int connectTimeout(PoolingHttpClientConnectionManager manager, int requested) {
        try {
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

    public static void connected(Throwable thrown, PoolingHttpClientConnectionManager manager, HttpRoute route) {
        try {
            Apache4Pools.connected(manager, route, thrown);
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
            Apache4Pools.upgraded(manager, route, thrown);
        } catch (Throwable error) {
            AgentErrors.record("TLS upgrade", error);
        }
    }

    // ---- requests -------------------------------------------------------------------------------------

    public static void exchangeStarting(Object client, HttpRequest request) {
        try {
            CurrentRequest.clientStarting(client, notRetried(request));
        } catch (Throwable error) {
            AgentErrors.record("request start", error);
        }
    }

    public static void exchangeEnded(Throwable thrown) {
        try {
            CurrentRequest.ended();
        } catch (Throwable error) {
            AgentErrors.record("request end", error);
        }
    }

    public static void hopStarting(HttpRequest request) {
        try {
            CurrentRequest.hopStarting(notRetried(request));
        } catch (Throwable error) {
            AgentErrors.record("request hop start", error);
        }
    }

    public static void hopEnded(Throwable thrown, Object manager, HttpRoute route) {
        try {
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
            return UnchangingAnswers.lookup(UnchangingAnswers.question("getUserAgent", name, pkg), cls);
        } catch (Throwable error) {
            AgentErrors.record("User-Agent cache", error);
            return null;
        }
    }

    public static String rememberUserAgent(String userAgent, String name, String pkg, Class<?> cls) {
        try {
            UnchangingAnswers.remember(UnchangingAnswers.question("getUserAgent", name, pkg), cls, userAgent);
        } catch (Throwable error) {
            AgentErrors.record("User-Agent cache", error);
        }
        return userAgent;
    }

    public static void clientClosing(Object client) {
        try {
            Apache4Pools.clientClosing(client);
        } catch (Throwable error) {
            AgentErrors.record("client close", error);
        }
    }

    public static void clientClosed(Throwable thrown) {
        try {
            Apache4Pools.clientClosed();
        } catch (Throwable error) {
            AgentErrors.record("client close", error);
        }
    }
}
