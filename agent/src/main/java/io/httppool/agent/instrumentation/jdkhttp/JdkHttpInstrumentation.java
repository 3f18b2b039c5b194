package io.httppool.agent.instrumentation.jdkhttp;

import static io.httppool.agent.instrumentation.weaving.Value.THIS;
import static io.httppool.agent.instrumentation.weaving.Value.arg;
import static io.httppool.agent.instrumentation.weaving.Value.field;

import io.httppool.agent.instrumentation.LibraryInstrumentation;
import io.httppool.agent.instrumentation.weaving.Call;
import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDK's {@code java.net.http.HttpClient} (JDK 17 and later). Its classes live in the
 * {@code java.net.http} module, whose loader cannot see the agent: the hooks reach {@link JdkHttpHooks}
 * by reflection through the system class loader, and nothing is defined into the JDK.
 *
 * <p>{@code HttpClientBuilderImpl.build()} (what {@code HttpClient.newHttpClient()} calls too) hands the
 * builder's settings to the agent, which returns a {@link JdkPooledClient} over the one real client of
 * that setup: same connections, same selector thread, while the application's client keeps its own
 * {@code close()}/{@code shutdown()}. A client's cookie handler, authenticator and executor are part of
 * its setup (compared by identity, or by value where that is provably the same): two clients share a
 * real client only when nothing of its behaviour could tell them apart.
 */
public final class JdkHttpInstrumentation implements LibraryInstrumentation {

    private static final String PKG = "jdk/internal/net/http/";
    private static final String HOOKS = "io/httppool/agent/instrumentation/jdkhttp/JdkHttpHooks";

    @Override
    public String id() {
        return "jdk";
    }

    @Override
    public String libraryName() {
        return "JDK HttpClient (java.net.http)";
    }


    @Override
    public List<String> packages() {
        return List.of(PKG);
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(); // reached by reflection; nothing is defined in the JDK's loaders
    }

    @Override
    public String versionIn(ClassLoader loader) {
        return Runtime.version().toString();
    }

    @Override
    public List<Hook> hooks() {
        List<Value> settings = new ArrayList<>(List.of(
                field("cookieHandler", "Ljava/net/CookieHandler;"),
                field("connectTimeout", "Ljava/time/Duration;"),
                field("followRedirects", "Ljava/net/http/HttpClient$Redirect;"),
                field("proxy", "Ljava/net/ProxySelector;"),
                field("authenticator", "Ljava/net/Authenticator;"),
                field("version", "Ljava/net/http/HttpClient$Version;"),
                field("executor", "Ljava/util/concurrent/Executor;"),
                field("sslContext", "Ljavax/net/ssl/SSLContext;"),
                field("sslParams", "Ljavax/net/ssl/SSLParameters;"),
                field("priority", "I")));
        if (Runtime.version().feature() >= 19) {
            settings.add(field("localAddr", "Ljava/net/InetAddress;")); // HttpClient.Builder.localAddress, JDK 19
        }
        List<Hook> hooks = new ArrayList<>();
        hooks.add(Hook.on(PKG + "HttpClientBuilderImpl", "build", "()Ljava/net/http/HttpClient;")
                .onEnterReturnIfNotNull(new Call(HOOKS, "build", Call.REFLECTIVE_DESCRIPTOR, settings, true)));
        // The shared client being built: which HttpClientImpl it is (for the figures below).
        hooks.add(Hook.on(PKG + "HttpClientImpl", "start", "()V")
                .onEnter(Call.reflective(HOOKS, "started", THIS)));
        // Figures: every TCP connection passes connectionOpened/Closed; every new TLS connection getSSLConnection.
        hooks.add(Hook.on(PKG + "HttpClientImpl", "connectionOpened", "(L" + PKG + "PlainHttpConnection;)V").optional()
                .onEnter(Call.reflective(HOOKS, "connectionOpened", THIS)));
        hooks.add(Hook.on(PKG + "HttpClientImpl", "connectionClosed", "(L" + PKG + "PlainHttpConnection;)V").optional()
                .onEnter(Call.reflective(HOOKS, "connectionClosed", THIS)));
        hooks.add(Hook.on(PKG + "HttpConnection", "getSSLConnection", "(Ljava/net/InetSocketAddress;Ljava/net/InetSocketAddress;"
                + "[Ljava/lang/String;L" + PKG + "HttpRequestImpl;L" + PKG + "HttpClientImpl;)L" + PKG + "HttpConnection;").optional()
                .onEnter(Call.reflective(HOOKS, "tlsConnection", arg(4))));
        return hooks;
    }
}
