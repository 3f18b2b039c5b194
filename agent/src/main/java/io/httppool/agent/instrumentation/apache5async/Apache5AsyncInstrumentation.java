package io.httppool.agent.instrumentation.apache5async;

import static io.httppool.agent.instrumentation.weaving.Value.METHOD_NAME;
import static io.httppool.agent.instrumentation.weaving.Value.RETURNED;
import static io.httppool.agent.instrumentation.weaving.Value.THIS;

import io.httppool.agent.instrumentation.LibraryInstrumentation;
import io.httppool.agent.instrumentation.LibraryVersion;
import io.httppool.agent.instrumentation.weaving.Call;
import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Apache HttpClient 5, async API (5.2 and later). Each started async client runs an I/O reactor of its
 * own (a main thread and one dispatch thread per CPU), so sharing only the connection manager would leave
 * those threads per client, and a client's pooled connections belong to its reactor. Instead:
 * <ul>
 *   <li>{@code HttpAsyncClientBuilder.build()} and {@code H2AsyncClientBuilder.build()} (what
 *       {@code HttpAsyncClients.createDefault()}, {@code createSystem()}, {@code custom()...build()},
 *       {@code createHttp2Default()} call) return an {@link Apache5AsyncPooledClient}: a client of its own
 *       for the application (start, close, status, its own cookie store, credentials provider and default
 *       request config), whose requests run on the one real client of its setup, with that client state
 *       handed over in each request's context, where the library reads it first;</li>
 *   <li>{@code PoolingAsyncClientConnectionManagerBuilder.build()} remembers the setup a manager was built
 *       with (TLS strategy, DNS resolver, limits...): a client given such a manager shares with the clients
 *       given an equal one; a manager reconfigured through its setters after build() is the application's
 *       own again;</li>
 *   <li>the no-argument {@code HttpAsyncClients.createMinimal()} and {@code createHttp2Minimal()} return one
 *       shared minimal client per class loader (the classes are final: no client of the application's own
 *       can stand in front), built by the library's own factory with the agent's connection manager
 *       ({@link Apache5AsyncMinimalPool}); {@code close}, {@code close(CloseMode)}, {@code initiateShutdown}
 *       and {@code awaitShutdown} of a shared one do nothing. Overloads given configs or a manager of the
 *       application's are left alone.</li>
 * </ul>
 * Clients the agent cannot serve that way (builder subclasses, no connection state, a manager made with
 * {@code new}) are left as the library builds them, with one log line.
 */
public final class Apache5AsyncInstrumentation implements LibraryInstrumentation {

    static final String VERSION_PROPERTIES = "org/apache/hc/client5/version.properties";

    private static final String HOOKS = "io/httppool/agent/instrumentation/apache5async/Apache5AsyncHooks";
    private static final String ASYNC = "org/apache/hc/client5/http/impl/async/";
    private static final String NIO = "org/apache/hc/client5/http/impl/nio/";
    private static final String L_CLIENT = "L" + ASYNC + "CloseableHttpAsyncClient;";
    private static final String L_MANAGER = "L" + NIO + "PoolingAsyncClientConnectionManager;";
    private static final String L_OBJECT = "Ljava/lang/Object;";
    private static final String L_STRING = "Ljava/lang/String;";

    @Override
    public String id() {
        return "apache5-async";
    }

    @Override
    public String libraryName() {
        return "Apache HttpClient 5 (async)";
    }

    @Override
    public List<String> packages() {
        return List.of("org/apache/hc/");
    }

    @Override
    public List<String> helperClassNames() {
        String pkg = Apache5AsyncInstrumentation.class.getPackageName() + ".";
        // Every class of this package except this one, supertypes first; HelperListTest keeps it complete.
        return List.of(pkg + "Apache5AsyncClientState", pkg + "Apache5AsyncClientState$OwnConnections",
                pkg + "Apache5AsyncHooks", pkg + "Apache5AsyncIdleConnections", pkg + "Apache5AsyncInertState", pkg + "Apache5AsyncLifecycle",
                pkg + "Apache5AsyncLifecycle$Refusal", pkg + "Apache5AsyncLifecycle$Status", pkg + "Apache5AsyncManagedPool",
                pkg + "Apache5AsyncManagers", pkg + "Apache5AsyncManagers$Recipe", pkg + "Apache5AsyncMinimalClients",
                pkg + "Apache5AsyncMinimalPool", pkg + "Apache5AsyncMinimalPool$Shared", pkg + "Apache5AsyncPooledClient",
                pkg + "Apache5AsyncPooledClient$Exchange", pkg + "Apache5AsyncPools", pkg + "Apache5AsyncPushRegistry",
                pkg + "Apache5AsyncRealClient", pkg + "Apache5AsyncRealClient$TrackedCallback",
                pkg + "Apache5AsyncSessionCounter", pkg + "Apache5AsyncSetup", pkg + "Apache5AsyncSetup$1",
                pkg + "Apache5AsyncSetup$Protocol");
    }

    @Override
    public String versionIn(ClassLoader loader) {
        return LibraryVersion.read(loader, VERSION_PROPERTIES, "info.release");
    }

    @Override
    public List<Hook> hooks() {
        List<Hook> hooks = new ArrayList<>();
        // Clients are built: a pooled client for the builder's setup, or null to let the library build its own.
        hooks.add(Hook.on(ASYNC + "HttpAsyncClientBuilder", "build", "()" + L_CLIENT)
                .onEnterReturnIfNotNull(call("pooledClient", "(" + L_OBJECT + ")" + L_CLIENT, THIS)));
        hooks.add(Hook.on(ASYNC + "H2AsyncClientBuilder", "build", "()" + L_CLIENT)
                .onEnterReturnIfNotNull(call("pooledH2Client", "(" + L_OBJECT + ")" + L_CLIENT, THIS)));
        // Managers the application builds: what setup each was built with.
        hooks.add(Hook.on(NIO + "PoolingAsyncClientConnectionManagerBuilder", "build", "()" + L_MANAGER)
                .onExitReplaceReturn(call("managerBuilt", "(" + L_MANAGER + L_OBJECT + ")" + L_MANAGER, RETURNED, THIS)));
        // ... and which of them the application reconfigured afterwards (then they are its own again).
        for (String[] setter : new String[][] {
                {"setMaxTotal", "I"},
                {"setDefaultMaxPerRoute", "I"},
                {"setMaxPerRoute", "Lorg/apache/hc/client5/http/HttpRoute;I"},
                {"setDefaultConnectionConfig", "Lorg/apache/hc/client5/http/config/ConnectionConfig;"},
                {"setConnectionConfigResolver", "Lorg/apache/hc/core5/function/Resolver;"},
                {"setDefaultTlsConfig", "Lorg/apache/hc/client5/http/config/TlsConfig;"},
                {"setTlsConfigResolver", "Lorg/apache/hc/core5/function/Resolver;"},
                {"setValidateAfterInactivity", "Lorg/apache/hc/core5/util/TimeValue;"}}) {
            hooks.add(Hook.on(NIO + "PoolingAsyncClientConnectionManager", setter[0], "(" + setter[1] + ")V").optional()
                    .onEnter(call("managerReconfigured", "(" + L_OBJECT + L_STRING + ")V", THIS, METHOD_NAME)));
        }
        // No-argument minimal clients: one shared client per protocol (final classes: no client of the application's own).
        hooks.add(Hook.on(ASYNC + "HttpAsyncClients", "createMinimal", "()L" + ASYNC + "MinimalHttpAsyncClient;").optional()
                .onEnterReturnIfNotNull(call("sharedMinimalClient", "()L" + ASYNC + "MinimalHttpAsyncClient;")));
        hooks.add(Hook.on(ASYNC + "HttpAsyncClients", "createHttp2Minimal", "()L" + ASYNC + "MinimalH2AsyncClient;").optional()
                .onEnterReturnIfNotNull(call("sharedMinimalH2Client", "()L" + ASYNC + "MinimalH2AsyncClient;")));
        // ... which the close of one application's copy must not stop (close() calls close(CloseMode)).
        for (String[] method : new String[][] {
                {"close", "(Lorg/apache/hc/core5/io/CloseMode;)V"},
                {"initiateShutdown", "()V"},
                {"awaitShutdown", "(Lorg/apache/hc/core5/util/TimeValue;)V"}}) {
            hooks.add(Hook.on(ASYNC + "AbstractHttpAsyncClientBase", method[0], method[1]) // not optional: sharing needs them
                    .onEnterSkipIfTrue(call("keepsRunning", "(" + L_OBJECT + ")Z", THIS)));
        }
        String execute = "(Lorg/apache/hc/core5/http/nio/AsyncClientExchangeHandler;Lorg/apache/hc/core5/http/nio/HandlerFactory;"
                + "Lorg/apache/hc/core5/http/protocol/HttpContext;)Lorg/apache/hc/core5/concurrent/Cancellable;";
        for (String type : new String[] {"MinimalHttpAsyncClient", "MinimalH2AsyncClient"}) {
            hooks.add(Hook.on(ASYNC + type, "execute", execute).optional()
                    .onEnter(call("minimalRequest", "(" + L_OBJECT + ")V", THIS)));
        }
        return hooks;
    }

    private static Call call(String method, String descriptor, Value... values) {
        return Call.to(HOOKS, method, descriptor, values);
    }
}
