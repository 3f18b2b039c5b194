package io.httppool.agent.instrumentation.apache4;

import static io.httppool.agent.instrumentation.weaving.Value.METHOD_NAME;
import static io.httppool.agent.instrumentation.weaving.Value.RETURNED;
import static io.httppool.agent.instrumentation.weaving.Value.THIS;
import static io.httppool.agent.instrumentation.weaving.Value.THROWN;
import static io.httppool.agent.instrumentation.weaving.Value.arg;
import static io.httppool.agent.instrumentation.weaving.Value.field;

import io.httppool.agent.instrumentation.LibraryInstrumentation;
import io.httppool.agent.instrumentation.LibraryVersion;
import io.httppool.agent.instrumentation.weaving.Call;
import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Apache HttpClient 4.5 ({@code org.apache.httpcomponents:httpclient}, package {@code org.apache.http}).
 * As for HttpClient 5, the application's clients keep everything client-level (cookies, credentials,
 * redirects, interceptors, request config); only the connection manager, where TCP and TLS live, is shared:
 * <ul>
 *   <li>{@code HttpClientBuilder.build()} of a builder without a connection manager (which
 *       {@code HttpClients.createDefault()}, {@code createSystem()}, {@code custom()...build()} and Spring's
 *       {@code HttpComponentsClientHttpRequestFactory} all come to) gets the managed manager of the
 *       builder's setup; {@code HttpClients.createMinimal()} gets the default one;</li>
 *   <li>an untouched {@code new PoolingHttpClientConnectionManager()} set on a builder is adopted by the
 *       default pool (see {@link Apache4Pools});</li>
 *   <li>a managed manager ignores {@code shutdown()}/{@code close()} from the application (and HttpClient's
 *       own shutdown after an Error); closing a client that would have owned its manager closes the
 *       connections that client still holds; leases and releases apply the agent's limits, timeouts and
 *       keep-alive where the application left the library defaults.</li>
 * </ul>
 * Every hook calls a static method of {@link Apache4Hooks}, defined in the application's class loader.
 */
public final class Apache4Instrumentation implements LibraryInstrumentation {

    private static final String HOOKS = "io/httppool/agent/instrumentation/apache4/Apache4Hooks";

    private static final String PKG = "org/apache/http/";
    private static final String MANAGER = PKG + "impl/conn/PoolingHttpClientConnectionManager";
    private static final String CLIENT_BUILDER = PKG + "impl/client/HttpClientBuilder";
    private static final String CLIENTS = PKG + "impl/client/HttpClients";
    private static final String INTERNAL_CLIENT = PKG + "impl/client/InternalHttpClient";
    private static final String MINIMAL_CLIENT = PKG + "impl/client/MinimalHttpClient";
    private static final String MAIN_EXEC = PKG + "impl/execchain/MainClientExec";
    private static final String MINIMAL_EXEC = PKG + "impl/execchain/MinimalClientExec";

    private static final String L_MANAGER = "L" + MANAGER + ";";
    private static final String L_CLOSEABLE_CLIENT = "L" + PKG + "impl/client/CloseableHttpClient;";
    private static final String L_ROUTE = "L" + PKG + "conn/routing/HttpRoute;";
    private static final String L_CONNECTION = "L" + PKG + "HttpClientConnection;";
    private static final String L_REQUEST_CONNECTION = "L" + PKG + "conn/ConnectionRequest;";
    private static final String L_CONTEXT = "L" + PKG + "protocol/HttpContext;";
    private static final String L_HOST = "L" + PKG + "HttpHost;";
    private static final String L_REQUEST = "L" + PKG + "HttpRequest;";
    private static final String L_RESPONSE = "L" + PKG + "client/methods/CloseableHttpResponse;";
    private static final String L_WRAPPER = "L" + PKG + "client/methods/HttpRequestWrapper;";
    private static final String L_CLIENT_CONTEXT = "L" + PKG + "client/protocol/HttpClientContext;";
    private static final String L_EXEC_AWARE = "L" + PKG + "client/methods/HttpExecutionAware;";
    private static final String L_CONN_MANAGER_IFACE = "L" + PKG + "conn/HttpClientConnectionManager;";
    private static final String L_OBJECT = "Ljava/lang/Object;";
    private static final String L_STRING = "Ljava/lang/String;";
    private static final String L_THROWABLE = "Ljava/lang/Throwable;";
    private static final String L_TIME_UNIT = "Ljava/util/concurrent/TimeUnit;";

    @Override
    public String id() {
        return "apache4";
    }

    @Override
    public String libraryName() {
        return "Apache HttpClient 4";
    }

    @Override
    public List<String> packages() {
        return List.of("org/apache/http/");
    }

    @Override
    public List<String> helperClassNames() {
        String pkg = Apache4Instrumentation.class.getPackageName() + ".";
        // Every class of this package except this one; HelperListTest keeps the list complete.
        return List.of(pkg + "Apache4ConnectionRequest", pkg + "Apache4Hooks", pkg + "Apache4ManagedPool",
                pkg + "Apache4ManagedPool$Reuse", pkg + "Apache4PoolFactory", pkg + "Apache4PoolInternals",
                pkg + "Apache4Pools", pkg + "Apache4Setup");
    }

    @Override
    public String versionIn(ClassLoader loader) {
        return LibraryVersion.read(loader, Apache4Pools.VERSION_PROPERTIES, "info.release");
    }

    @Override
    public List<Hook> hooks() {
        List<Hook> hooks = new ArrayList<>();
        // Clients are built: the managed manager for the builder's setup while build() runs.
        hooks.add(Hook.on(CLIENT_BUILDER, "build", "()" + L_CLOSEABLE_CLIENT)
                .onEnter(call("clientBuildStarting", "(L" + CLIENT_BUILDER + ";)V", THIS))
                .onExitAlways(call("clientBuildEnded", "(" + L_THROWABLE + ")V", THROWN)));
        hooks.add(Hook.on(CLIENTS, "createMinimal", "()" + L_CLOSEABLE_CLIENT)
                .onEnterReturnIfNotNull(call("minimalClient", "()" + L_CLOSEABLE_CLIENT)));

        // The application's own managers: made untouched, configured, adopted.
        hooks.add(Hook.on(MANAGER, "<init>", "()V")
                .onExit(call("noArgManagerCreated", "(" + L_MANAGER + ")V", THIS)));
        for (String[] setter : new String[][] {
                {"setMaxTotal", "I"}, {"setDefaultMaxPerRoute", "I"}, {"setMaxPerRoute", L_ROUTE + "I"},
                {"setDefaultSocketConfig", "L" + PKG + "config/SocketConfig;"},
                {"setDefaultConnectionConfig", "L" + PKG + "config/ConnectionConfig;"},
                {"setSocketConfig", L_HOST + "L" + PKG + "config/SocketConfig;"},
                {"setConnectionConfig", L_HOST + "L" + PKG + "config/ConnectionConfig;"},
                {"setValidateAfterInactivity", "I"}}) {
            hooks.add(Hook.on(MANAGER, setter[0], "(" + setter[1] + ")V")
                    .onEnter(call("managerConfigured", "(" + L_MANAGER + L_STRING + ")V", THIS, METHOD_NAME)));
        }

        // The managed manager: shutdown ignored, leases and releases under the agent's rules.
        hooks.add(Hook.on(MANAGER, "shutdown", "()V")
                .onEnterSkipIfTrue(call("ignoresShutdown", "(" + L_MANAGER + ")Z", THIS)));
        hooks.add(Hook.on(MANAGER, "requestConnection", "(" + L_ROUTE + L_OBJECT + ")" + L_REQUEST_CONNECTION)
                .onEnterReturnIfNotNull(call("managedRequest", "(" + L_MANAGER + L_ROUTE + L_OBJECT + ")" + L_REQUEST_CONNECTION,
                        THIS, arg(0), arg(1))));
        hooks.add(Hook.on(MANAGER, "releaseConnection", "(" + L_CONNECTION + L_OBJECT + "J" + L_TIME_UNIT + ")V")
                .onEnterSkipIfTrue(call("managedRelease", "(" + L_MANAGER + L_CONNECTION + L_OBJECT + "J" + L_TIME_UNIT + ")Z",
                        THIS, arg(0), arg(1), arg(2), arg(3))));
        hooks.add(Hook.on(MANAGER, "connect", "(" + L_CONNECTION + L_ROUTE + "I" + L_CONTEXT + ")V")
                .onEnterReplaceArgument(2, call("connectTimeout", "(" + L_MANAGER + "I)I", THIS, arg(2)))
                .onEnterSkipIfTrue(call("redirectConnect", "(" + L_MANAGER + L_CONNECTION + L_ROUTE + "I" + L_CONTEXT + ")Z",
                        THIS, arg(0), arg(1), arg(2), arg(3)))
                .onExitAlways(call("connected", "(" + L_THROWABLE + L_MANAGER + L_CONNECTION + L_ROUTE + ")V", THROWN, THIS, arg(0), arg(1))));
        hooks.add(Hook.on(MANAGER, "upgrade", "(" + L_CONNECTION + L_ROUTE + L_CONTEXT + ")V")
                .onEnterSkipIfTrue(call("redirectUpgrade", "(" + L_MANAGER + L_CONNECTION + L_ROUTE + L_CONTEXT + ")Z",
                        THIS, arg(0), arg(1), arg(2)))
                .onExitAlways(call("upgraded", "(" + L_THROWABLE + L_MANAGER + L_ROUTE + ")V", THROWN, THIS, arg(1))));

        // Requests: which client and whether the request would be retried; closing; failures per hop.
        for (String client : List.of(INTERNAL_CLIENT, MINIMAL_CLIENT)) {
            hooks.add(Hook.on(client, "doExecute", "(" + L_HOST + L_REQUEST + L_CONTEXT + ")" + L_RESPONSE)
                    .onEnter(call("exchangeStarting", "(" + L_OBJECT + L_REQUEST + ")V", THIS, arg(1)))
                    .onExitAlways(call("exchangeEnded", "(" + L_THROWABLE + ")V", THROWN)));
            hooks.add(Hook.on(client, "close", "()V")
                    .onEnter(call("clientClosing", "(" + L_OBJECT + ")V", THIS))
                    .onExitAlways(call("clientClosed", "(" + L_THROWABLE + ")V", THROWN)));
        }
        for (String exec : List.of(MAIN_EXEC, MINIMAL_EXEC)) {
            hooks.add(Hook.on(exec, "execute", "(" + L_ROUTE + L_WRAPPER + L_CLIENT_CONTEXT + L_EXEC_AWARE + ")" + L_RESPONSE)
                    .onEnter(call("hopStarting", "(" + L_REQUEST + ")V", arg(1)))
                    .onExitAlways(call("hopEnded", "(" + L_THROWABLE + L_OBJECT + L_ROUTE + ")V", THROWN,
                            field("connManager", L_CONN_MANAGER_IFACE), arg(0))));
        }

        // The answer HttpClientBuilder.build() recomputes for every client although it cannot change.
        hooks.add(Hook.on(PKG + "util/VersionInfo", "getUserAgent", "(" + L_STRING + L_STRING + "Ljava/lang/Class;)" + L_STRING)
                .onEnterReturnIfNotNull(call("cachedUserAgent", "(" + L_STRING + L_STRING + "Ljava/lang/Class;)" + L_STRING,
                        arg(0), arg(1), arg(2)))
                .onExitReplaceReturn(call("rememberUserAgent", "(" + L_STRING + L_STRING + L_STRING + "Ljava/lang/Class;)" + L_STRING,
                        RETURNED, arg(0), arg(1), arg(2))));
        return hooks;
    }

    private static Call call(String method, String descriptor, Value... values) {
        return Call.to(HOOKS, method, descriptor, values);
    }
}
