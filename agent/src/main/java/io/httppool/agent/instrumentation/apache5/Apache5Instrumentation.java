package io.httppool.agent.instrumentation.apache5;

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
import java.util.Map;

/**
 * Apache HttpClient 5, classic API. The application's clients keep everything client-level (cookies,
 * credentials, redirects, interceptors); only the connection manager, where TCP and TLS live, is shared:
 * <ul>
 *   <li>{@code PoolingHttpClientConnectionManagerBuilder.build()}, which every client builder without a
 *       manager of its own calls too, returns the managed manager for the builder's setup;</li>
 *   <li>{@code HttpClients.createMinimal()} gets the managed default manager;</li>
 *   <li>{@code HttpClients.createDefault()} returns a client with its own cookies, credentials and close,
 *       whose requests run on one shared default client ({@link Apache5DefaultClients});</li>
 *   <li>a managed manager ignores {@code close()} from the application (and from HttpClient's own
 *       close-on-Error, HTTPCLIENT-2133), and its leases and releases apply the agent's limits, timeouts
 *       and keep-alive where the application left the library defaults.</li>
 * </ul>
 * Every hook calls a static method of {@link Apache5Hooks}, defined in the application's class loader.
 */
public final class Apache5Instrumentation implements LibraryInstrumentation {

    static final String VERSION_PROPERTIES = "org/apache/hc/client5/version.properties";

    private static final String HOOKS = "io/httppool/agent/instrumentation/apache5/Apache5Hooks";

    private static final String PKG = "org/apache/hc/client5/http/";
    private static final String MANAGER = PKG + "impl/io/PoolingHttpClientConnectionManager";
    private static final String BUILDER = PKG + "impl/io/PoolingHttpClientConnectionManagerBuilder";
    private static final String CLIENT_BUILDER = PKG + "impl/classic/HttpClientBuilder";
    private static final String CLIENTS = PKG + "impl/classic/HttpClients";
    private static final String INTERNAL_CLIENT = PKG + "impl/classic/InternalHttpClient";
    private static final String MINIMAL_CLIENT = PKG + "impl/classic/MinimalHttpClient";
    private static final String MAIN_EXEC = PKG + "impl/classic/MainClientExec";
    private static final String CONNECT_EXEC = PKG + "impl/classic/ConnectExec";
    private static final String VERSION_INFO = "org/apache/hc/core5/util/VersionInfo";
    private static final String BROTLI = PKG + "entity/BrotliDecompressingEntity";

    private static final String L_MANAGER = "L" + MANAGER + ";";
    private static final String L_ROUTE = "L" + PKG + "HttpRoute;";
    private static final String L_ENDPOINT = "L" + PKG + "io/ConnectionEndpoint;";
    private static final String L_LEASE = "L" + PKG + "io/LeaseRequest;";
    private static final String L_TIMEOUT = "Lorg/apache/hc/core5/util/Timeout;";
    private static final String L_TIME_VALUE = "Lorg/apache/hc/core5/util/TimeValue;";
    private static final String L_CONTEXT = "Lorg/apache/hc/core5/http/protocol/HttpContext;";
    private static final String L_REQUEST = "Lorg/apache/hc/core5/http/ClassicHttpRequest;";
    private static final String L_RESPONSE = "Lorg/apache/hc/core5/http/ClassicHttpResponse;";
    private static final String L_HOST = "Lorg/apache/hc/core5/http/HttpHost;";
    private static final String L_CLOSE_MODE = "Lorg/apache/hc/core5/io/CloseMode;";
    private static final String L_SCOPE = "L" + PKG + "classic/ExecChain$Scope;";
    private static final String L_CHAIN = "L" + PKG + "classic/ExecChain;";
    private static final String L_OBJECT = "Ljava/lang/Object;";
    private static final String L_STRING = "Ljava/lang/String;";
    private static final String L_THROWABLE = "Ljava/lang/Throwable;";
    private static final String L_CLOSEABLE_RESPONSE = "L" + PKG + "impl/classic/CloseableHttpResponse;";

    @Override
    public String id() {
        return "apache5";
    }

    @Override
    public String libraryName() {
        return "Apache HttpClient 5 (classic)";
    }


    @Override
    public List<String> packages() {
        return List.of("org/apache/hc/");
    }

    @Override
    public List<String> helperClassNames() {
        String pkg = Apache5Instrumentation.class.getPackageName() + ".";
        // Every class of this package except this one; HelperListTest keeps the list complete.
        // Interfaces first: defining a class resolves its supertypes.
        return List.of(pkg + "Apache5VersionApi", pkg + "Apache5ConnectionSettings",
                pkg + "Apache5Api50", pkg + "Apache5Api52", pkg + "Apache5BrotliProbeCache",
                pkg + "Apache5ConnectionConfigs", pkg + "Apache5DefaultClient", pkg + "Apache5DefaultClients",
                pkg + "Apache5DefaultClients$Shared", pkg + "Apache5Hooks", pkg + "Apache5LeaseRequest", pkg + "Apache5ManagedPool", pkg + "Apache5OwnManagers", pkg + "Apache5OwnManagers$Made", pkg + "Apache5PoolFactory",
                pkg + "Apache5PoolInternals", pkg + "Apache5PoolSettings", pkg + "Apache5Pools",
                pkg + "Apache5SocketConfigs", pkg + "Apache5Versions");
    }

    /** The 5.2+ variants are neither checked nor defined where ConnectionConfig is missing (5.0, 5.1). */
    @Override
    public Map<String, String> helpersRequiring() {
        String pkg = Apache5Instrumentation.class.getPackageName() + ".";
        return Map.of(pkg + "Apache5Api52", Apache5Versions.SINCE_5_2, pkg + "Apache5ConnectionConfigs", Apache5Versions.SINCE_5_2);
    }

    @Override
    public String versionIn(ClassLoader loader) {
        return LibraryVersion.read(loader, VERSION_PROPERTIES, "info.release");
    }

    @Override
    public List<Hook> hooks() {
        List<Hook> hooks = new ArrayList<>();
        // Clients are built: the managed manager for the builder's setup; private ones for stateless clients.
        hooks.add(Hook.on(BUILDER, "build", "()" + L_MANAGER)
                .onEnterReturnIfNotNull(call("sharedManager", "(L" + BUILDER + ";)" + L_MANAGER, THIS)));
        hooks.add(Hook.on(CLIENT_BUILDER, "build", "()L" + PKG + "impl/classic/CloseableHttpClient;")
                .onEnter(call("clientBuildStarting", "(" + L_OBJECT + ")V", THIS))
                .onExitAlways(call("clientBuildEnded", "(" + L_THROWABLE + ")V", THROWN)));
        hooks.add(Hook.on(CLIENTS, "createDefault", "()L" + PKG + "impl/classic/CloseableHttpClient;")
                .onEnterReturnIfNotNull(call("defaultClient", "()L" + PKG + "impl/classic/CloseableHttpClient;")));
        hooks.add(Hook.on(CLIENTS, "createMinimal", "()L" + MINIMAL_CLIENT + ";")
                .onEnterReturnIfNotNull(call("minimalClient", "()L" + MINIMAL_CLIENT + ";")));

        // Managers the application makes itself, per request: pooled when provably the default setup.
        hooks.add(Hook.on(MANAGER, "<init>", "()V")
                .onExit(call("managerMade", "(" + L_MANAGER + ")V", THIS)));
        for (String limit : List.of("setMaxTotal", "setDefaultMaxPerRoute")) {
            hooks.add(Hook.on(MANAGER, limit, "(I)V")
                    .onEnter(call("limitChanging", "(" + L_MANAGER + L_STRING + ")V", THIS, METHOD_NAME)));
        }

        // The managed manager: close ignored, leases and releases under the agent's rules.
        for (String close : List.of("()V", "(" + L_CLOSE_MODE + ")V")) {
            hooks.add(Hook.on(MANAGER, "close", close)
                    .onEnterSkipIfTrue(call("ignoresClose", "(" + L_MANAGER + ")Z", THIS)));
        }
        hooks.add(Hook.on(MANAGER, "lease", "(" + L_STRING + L_ROUTE + L_TIMEOUT + L_OBJECT + ")" + L_LEASE)
                .onEnterReplaceArgument(2, call("leaseTimeout", "(" + L_MANAGER + L_TIMEOUT + ")" + L_TIMEOUT, THIS, arg(2)))
                .onEnterReplaceArgument(3, call("leaseState", "(" + L_MANAGER + L_ROUTE + L_OBJECT + ")" + L_OBJECT, THIS, arg(1), arg(3)))
                .onEnterReturnIfNotNull(call("managedLease", "(" + L_MANAGER + L_STRING + L_ROUTE + L_TIMEOUT + L_OBJECT + ")" + L_LEASE,
                        THIS, arg(0), arg(1), arg(2), arg(3))));
        hooks.add(Hook.on(MANAGER, "release", "(" + L_ENDPOINT + L_OBJECT + L_TIME_VALUE + ")V")
                .onEnterSkipIfTrue(call("redirectRelease", "(" + L_MANAGER + L_ENDPOINT + L_OBJECT + L_TIME_VALUE + ")Z",
                        THIS, arg(0), arg(1), arg(2)))
                .onEnterReplaceArgument(2, call("keepAliveOnRelease", "(" + L_MANAGER + L_ENDPOINT + L_TIME_VALUE + ")" + L_TIME_VALUE,
                        THIS, arg(0), arg(2)))
                .onEnterReplaceArgument(1, call("releaseState", "(" + L_MANAGER + L_ENDPOINT + L_OBJECT + ")" + L_OBJECT,
                        THIS, arg(0), arg(1)))
                .onExitAlways(call("released", "(" + L_THROWABLE + L_MANAGER + L_ENDPOINT + ")V", THROWN, THIS, arg(0))));
        hooks.add(Hook.on(MANAGER, "connect", "(" + L_ENDPOINT + L_TIME_VALUE + L_CONTEXT + ")V")
                .onEnterSkipIfTrue(call("redirectConnect", "(" + L_MANAGER + L_ENDPOINT + L_TIME_VALUE + L_CONTEXT + ")Z",
                        THIS, arg(0), arg(1), arg(2)))
                .onEnterReplaceArgument(1, call("connectTimeout", "(" + L_MANAGER + L_TIME_VALUE + ")" + L_TIME_VALUE, THIS, arg(1)))
                .onExitAlways(call("connected", "(" + L_THROWABLE + L_MANAGER + L_ENDPOINT + ")V", THROWN, THIS, arg(0))));
        hooks.add(Hook.on(MANAGER, "upgrade", "(" + L_ENDPOINT + L_CONTEXT + ")V")
                .onEnterSkipIfTrue(call("redirectUpgrade", "(" + L_MANAGER + L_ENDPOINT + L_CONTEXT + ")Z", THIS, arg(0), arg(1)))
                .onExitAlways(call("upgraded", "(" + L_THROWABLE + L_MANAGER + ")V", THROWN, THIS)));
        // Setters that change how a manager makes connections: a shared manager leaves sharing first.
        for (String[] setter : new String[][] {
                {"setDefaultSocketConfig", "Lorg/apache/hc/core5/http/io/SocketConfig;"},
                {"setSocketConfigResolver", "Lorg/apache/hc/core5/function/Resolver;"},
                {"setDefaultConnectionConfig", "L" + PKG + "config/ConnectionConfig;"},
                {"setConnectionConfigResolver", "Lorg/apache/hc/core5/function/Resolver;"},
                {"setDefaultTlsConfig", "L" + PKG + "config/TlsConfig;"},
                {"setTlsConfigResolver", "Lorg/apache/hc/core5/function/Resolver;"},
                {"setValidateAfterInactivity", L_TIME_VALUE},
                {"setMaxPerRoute", L_ROUTE + "I"}}) {
            hooks.add(Hook.on(MANAGER, setter[0], "(" + setter[1] + ")V").optional()
                    .onEnter(call("setupChanging", "(" + L_MANAGER + L_STRING + ")V", THIS, METHOD_NAME)));
        }

        // Requests: which client and which method a lease serves; failures per route; Errors.
        for (String client : List.of(INTERNAL_CLIENT, MINIMAL_CLIENT)) {
            hooks.add(Hook.on(client, "doExecute", "(" + L_HOST + L_REQUEST + L_CONTEXT + ")" + L_CLOSEABLE_RESPONSE)
                    .onEnter(call("exchangeStarting", "(" + L_OBJECT + L_REQUEST + ")V", THIS, arg(1)))
                    .onExitAlways(call("exchangeEnded", "(" + L_THROWABLE + ")V", THROWN)));
            // Closing a client that owns its manager closes the connections it still holds, as it would without the agent.
            for (String close : List.of("()V", "(" + L_CLOSE_MODE + ")V")) {
                hooks.add(Hook.on(client, "close", close).onEnter(call("clientClosing", "(" + L_OBJECT + ")V", THIS)));
            }
        }
        hooks.add(Hook.on(CONNECT_EXEC, "execute", "(" + L_REQUEST + L_SCOPE + L_CHAIN + ")" + L_RESPONSE)
                .onEnter(call("connectStarting", "(" + L_REQUEST + ")V", arg(0)))
                .onExitAlways(call("exchangeEnded", "(" + L_THROWABLE + ")V", THROWN)));
        hooks.add(Hook.on(MAIN_EXEC, "execute", "(" + L_REQUEST + L_SCOPE + L_CHAIN + ")" + L_RESPONSE)
                .onExitAlways(call("exchangeFailed", "(" + L_THROWABLE + L_OBJECT + L_SCOPE + ")V", THROWN,
                        field("connectionManager", "L" + PKG + "io/HttpClientConnectionManager;"), arg(1))));

        // Answers HttpClientBuilder.build() recomputes for every client although they cannot change.
        hooks.add(Hook.on(VERSION_INFO, "getSoftwareInfo", "(" + L_STRING + L_STRING + "Ljava/lang/Class;)" + L_STRING)
                .onEnterReturnIfNotNull(call("cachedSoftwareInfo", "(" + L_STRING + L_STRING + "Ljava/lang/Class;)" + L_STRING,
                        arg(0), arg(1), arg(2)))
                .onExitReplaceReturn(call("rememberSoftwareInfo", "(" + L_STRING + L_STRING + L_STRING + "Ljava/lang/Class;)" + L_STRING,
                        RETURNED, arg(0), arg(1), arg(2))));
        hooks.add(Hook.on(BROTLI, "isAvailable", "()Z").optional()
                .onEnterReturnIfNotNull(call("cachedBrotliProbe", "()Ljava/lang/Boolean;"))
                .onExitReplaceReturn(call("rememberBrotliProbe", "(Z)Z", RETURNED)));
        return hooks;
    }

    private static Call call(String method, String descriptor, Value... values) {
        return Call.to(HOOKS, method, descriptor, values);
    }
}
