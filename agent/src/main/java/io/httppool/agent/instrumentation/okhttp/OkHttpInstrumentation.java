package io.httppool.agent.instrumentation.okhttp;

import static io.httppool.agent.instrumentation.weaving.Value.THIS;
import static io.httppool.agent.instrumentation.weaving.Value.arg;

import io.httppool.agent.instrumentation.LibraryInstrumentation;
import io.httppool.agent.instrumentation.LibraryVersion;
import io.httppool.agent.instrumentation.weaving.Call;
import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.Value;
import java.util.List;

/**
 * OkHttp 3.14, 4.x and 5.x ({@code okhttp-jvm}). OkHttp keys pooled connections by {@code Address} (TLS
 * factory, verifier, pinner, proxy, DNS...), so one {@code ConnectionPool} serves clients of any setup
 * safely. A new {@code OkHttpClient.Builder} (which {@code new OkHttpClient()} makes too) is given, in
 * place of its own defaults, the loader's shared pool, a dispatcher of its own on the shared executor,
 * the shared default TLS objects (so that https connections of default clients are reusable at all: each
 * default client would make its own {@code SSLSocketFactory}) and the agent's timeouts; whatever the
 * application then sets on the builder wins.
 */
public final class OkHttpInstrumentation implements LibraryInstrumentation {

    private static final String HOOKS = "io/httppool/agent/instrumentation/okhttp/OkHttpHooks";
    private static final String O = "Ljava/lang/Object;";

    @Override
    public String id() {
        return "okhttp";
    }

    @Override
    public String libraryName() {
        return "OkHttp";
    }


    @Override
    public List<String> packages() {
        return List.of("okhttp3/");
    }

    @Override
    public List<String> helperClassNames() {
        String pkg = OkHttpInstrumentation.class.getPackageName() + ".";
        // Every class of this package except this one; HelperListTest keeps the list complete.
        return List.of(pkg + "OkHttpExecutorView", pkg + "OkHttpIdleTrim", pkg + "OkHttpIdleTrim$Idle", pkg + "OkHttpInternals", pkg + "OkHttpInternals$FieldOf",
                pkg + "OkHttpInternals$FieldOf$Resolved", pkg + "OkHttpManagedPool", pkg + "OkHttpPools",
                pkg + "OkHttpHooks");
    }

    @Override
    public String versionIn(ClassLoader loader) {
        // 4.x/5.x: okhttp3.OkHttp.VERSION; 3.x: okhttp3.internal.Version's "okhttp/3.14.9"
        String version = LibraryVersion.fromConstant(loader, "okhttp3/OkHttp.class", "");
        return "unknown".equals(version) ? LibraryVersion.fromConstant(loader, "okhttp3/internal/Version.class", "okhttp/") : version;
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                Hook.on("okhttp3/OkHttpClient$Builder", "<init>", "()V")
                        .onExit(call("builderCreated", "(" + O + ")V", THIS)),
                // A shared pool's idle connections belong to every client: one client's evictAll() leaves them.
                Hook.on("okhttp3/ConnectionPool", "evictAll", "()V")
                        .onEnterSkipIfTrue(call("keepsIdleConnections", "(" + O + ")Z", THIS)),
                Hook.on("okhttp3/OkHttpClient", "newCall", "(Lokhttp3/Request;)Lokhttp3/Call;")
                        .onEnter(call("callCreated", "(" + O + ")V", THIS)),
                Hook.on("okhttp3/internal/connection/RealConnectionPool", "put", "(Lokhttp3/internal/connection/RealConnection;)V").optional()
                        .onEnter(call("connectionAdded", "(" + O + O + ")V", THIS, arg(0))),
                Hook.on("okhttp3/internal/platform/Platform", "logCloseableLeak", "(Ljava/lang/String;Ljava/lang/Object;)V").optional()
                        .onEnter(call("leakReported", "()V")));
    }

    private static Call call(String method, String descriptor, Value... values) {
        return Call.to(HOOKS, method, descriptor, values);
    }
}
