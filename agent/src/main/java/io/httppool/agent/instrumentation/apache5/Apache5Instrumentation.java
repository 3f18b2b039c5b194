package io.httppool.agent.instrumentation.apache5;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.httppool.agent.instrumentation.LibraryInstrumentation;
import io.httppool.agent.instrumentation.LibraryVersion;
import java.util.List;
import net.bytebuddy.asm.Advice;
import java.io.IOException;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.HttpClients;
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
 * Apache HttpClient 5, classic API. The application's clients keep everything client-level (cookies,
 * credentials, redirects, interceptors); only the connection manager, where TCP and TLS live, is shared:
 * <ul>
 *   <li>{@code PoolingHttpClientConnectionManagerBuilder.build()}, which every client builder without a
 *       manager of its own calls too, returns the managed manager for the builder's setup;</li>
 *   <li>{@code HttpClients.createMinimal()} gets the managed default manager;</li>
 *   <li>a managed manager ignores {@code close()} from the application (and from HttpClient's own
 *       close-on-Error, HTTPCLIENT-2133), and its leases and releases apply the agent's pool timeout,
 *       idle-connection limit and keep-alive expiry where the application left the library defaults.</li>
 * </ul>
 */
public final class Apache5Instrumentation implements LibraryInstrumentation {

    private static final String CONNECTION_CONFIG = "org/apache/hc/client5/http/config/ConnectionConfig.class";
    static final String VERSION_PROPERTIES = "org/apache/hc/client5/version.properties";
    private static final String BUILDER = "org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder";
    private static final String MANAGER = "org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager";
    private static final String MAIN_EXEC = "org.apache.hc.client5.http.impl.classic.MainClientExec";
    private static final String CONNECT_EXEC = "org.apache.hc.client5.http.impl.classic.ConnectExec";
    private static final String MINIMAL_CLIENT = "org.apache.hc.client5.http.impl.classic.MinimalHttpClient";
    private static final String VERSION_INFO = "org.apache.hc.core5.util.VersionInfo";
    private static final String BROTLI = "org.apache.hc.client5.http.entity.BrotliDecompressingEntity";
    private static final String CLIENT_BUILDER = "org.apache.hc.client5.http.impl.classic.HttpClientBuilder";
    private static final String CLIENTS = "org.apache.hc.client5.http.impl.classic.HttpClients";

    @Override
    public String libraryName() {
        return "Apache HttpClient 5 (classic)";
    }

    @Override
    public List<String> helperClassNames() {
        String pkg = Apache5Instrumentation.class.getPackageName() + ".";
        // Every class here except this one and its advice; ApacheHelperListTest keeps the list complete.
        return List.of(pkg + "Apache5BrotliProbeCache", pkg + "Apache5ConnectionConfigs", pkg + "Apache5Lease", pkg + "Apache5LeakTracker",
                pkg + "Apache5ManagedPool", pkg + "Apache5ManagedPool$Retired", pkg + "Apache5PoolFactory",
                pkg + "Apache5PoolInternals", pkg + "Apache5Pools", pkg + "Apache5RouteFailures",
                pkg + "Apache5RouteFailures$Window", pkg + "Apache5SoftwareInfoCache", pkg + "Apache5SoftwareInfoCache$Key",
                pkg + "Apache5TrackingLeaseRequest");
    }

    @Override
    public String unsupportedReason(ClassLoader loader) {
        if (loader == null || loader.getResource(CONNECTION_CONFIG) == null) {
            return "version " + versionIn(loader) + " predates 5.2 (no ConnectionConfig); supported: 5.2 and later";
        }
        return null;
    }

    @Override
    public String versionIn(ClassLoader loader) {
        return LibraryVersion.read(loader, VERSION_PROPERTIES, "info.release");
    }

    @Override
    public java.util.Set<String> instrumentedTypes() {
        return java.util.Set.of(BUILDER, MANAGER, MAIN_EXEC, CONNECT_EXEC, MINIMAL_CLIENT, VERSION_INFO, BROTLI, CLIENT_BUILDER, CLIENTS);
    }

    @Override
    public List<Hook> hooks() {
        String advice = Apache5Instrumentation.class.getName() + "$";
        return List.of(
                new Hook(BUILDER, named("build").and(takesArguments(0)), advice + "BuildAdvice"),
                new Hook(CLIENT_BUILDER, named("build").and(takesArguments(0)), advice + "ClientBuildAdvice"),
                new Hook(MANAGER, named("close").and(takesArguments(0).or(takesArguments(1))), advice + "CloseAdvice"),
                new Hook(MANAGER, named("lease").and(takesArguments(4)), advice + "LeaseAdvice"),
                new Hook(MANAGER, namedOneOf("setDefaultSocketConfig", "setSocketConfigResolver", "setDefaultConnectionConfig",
                        "setConnectionConfigResolver", "setDefaultTlsConfig", "setTlsConfigResolver", "setValidateAfterInactivity")
                        .and(takesArguments(1)), advice + "SetupSetterAdvice"),
                new Hook(MANAGER, named("release").and(takesArguments(3)), advice + "ReleaseAdvice"),
                new Hook(MANAGER, named("connect").and(takesArguments(3)), advice + "ConnectAdvice"),
                new Hook(MANAGER, named("upgrade").and(takesArguments(2)), advice + "UpgradeAdvice"),
                new Hook(MAIN_EXEC, named("execute").and(takesArguments(3)), advice + "ExecuteAdvice"),
                new Hook(CONNECT_EXEC, named("execute").and(takesArguments(3)), advice + "ConnectExecAdvice"),
                new Hook(MINIMAL_CLIENT, named("doExecute").and(takesArguments(3)), advice + "ConnectExecAdvice"),
                new Hook(VERSION_INFO, named("getSoftwareInfo").and(takesArguments(3)).and(isStatic()), advice + "SoftwareInfoAdvice"),
                new Hook(BROTLI, named("isAvailable").and(takesArguments(0)).and(isStatic()), advice + "BrotliProbeAdvice"),
                new Hook(CLIENTS, named("createMinimal").and(takesArguments(0)).and(isStatic()), advice + "CreateMinimalAdvice"));
    }

    /** {@code PoolingHttpClientConnectionManagerBuilder.build()}: hand out the managed manager for this setup. */
    public static final class BuildAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static PoolingHttpClientConnectionManager enter(@Advice.This PoolingHttpClientConnectionManagerBuilder builder) {
            return Apache5Pools.sharedManagerFor(builder);
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Enter PoolingHttpClientConnectionManager shared,
                                @Advice.Return(readOnly = false) PoolingHttpClientConnectionManager returned) {
            if (shared != null) {
                returned = shared;
            }
        }
    }

    /** {@code HttpClientBuilder.build()}: clients without connection state get a private manager. */
    public static final class ClientBuildAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static boolean enter(@Advice.This Object builder) {
            return Apache5Pools.clientBuildStarting(builder);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter boolean privateBuild) {
            Apache5Pools.clientBuildEnded(privateBuild);
        }
    }

    /** Setters that change how a manager makes connections: a shared manager leaves sharing first. */
    public static final class SetupSetterAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This PoolingHttpClientConnectionManager manager,
                                 @Advice.Origin("#m") String setter) {
            Apache5Pools.setupChanging(manager, setter);
        }
    }

    /** {@code PoolingHttpClientConnectionManager.close(..)}: a managed pool outlives the clients that use it. */
    public static final class CloseAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static boolean enter(@Advice.This PoolingHttpClientConnectionManager manager) {
            return Apache5Pools.ignoresClose(manager);
        }
    }

    /**
     * {@code lease(id, route, requestTimeout, state)}: the agent's pool timeout where the library default
     * stands, leases through a retired manager redirected to the current one, and every lease tracked.
     */
    public static final class LeaseAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static LeaseRequest enter(@Advice.This PoolingHttpClientConnectionManager manager,
                                         @Advice.Argument(0) String id,
                                         @Advice.Argument(1) HttpRoute route,
                                         @Advice.Argument(value = 2, readOnly = false) Timeout requestTimeout,
                                         @Advice.Argument(value = 3, readOnly = false) Object state) {
            requestTimeout = Apache5Pools.leaseTimeout(manager, requestTimeout);
            state = Apache5Pools.leaseState(manager, route, state);
            return Apache5Pools.redirectLease(manager, id, route, requestTimeout, state);
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This PoolingHttpClientConnectionManager manager,
                                @Advice.Enter LeaseRequest redirected,
                                @Advice.Return(readOnly = false) LeaseRequest returned) {
            returned = redirected != null ? redirected : Apache5Pools.trackLease(manager, returned);
        }
    }

    /**
     * {@code release(endpoint, state, keepAlive)}: to the manager that leased the endpoint, with the
     * idle-connection limit and the agent's keep-alive expiry; then the lease is no longer watched.
     */
    public static final class ReleaseAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This PoolingHttpClientConnectionManager manager,
                                    @Advice.Argument(0) ConnectionEndpoint endpoint,
                                    @Advice.Argument(1) Object state,
                                    @Advice.Argument(value = 2, readOnly = false) TimeValue keepAlive) {
            if (Apache5Pools.redirectRelease(manager, endpoint, state, keepAlive)) {
                return true;
            }
            keepAlive = Apache5Pools.keepAliveOnRelease(manager, endpoint, keepAlive);
            return false;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This PoolingHttpClientConnectionManager manager,
                                @Advice.Enter boolean redirected,
                                @Advice.Argument(0) ConnectionEndpoint endpoint) {
            if (!redirected) {
                Apache5Pools.released(manager, endpoint);
            }
        }
    }

    /** {@code connect(endpoint, timeout, context)}: to the owning manager; counts connections and failures. */
    public static final class ConnectAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This PoolingHttpClientConnectionManager manager,
                                    @Advice.Argument(0) ConnectionEndpoint endpoint,
                                    @Advice.Argument(1) TimeValue timeout,
                                    @Advice.Argument(2) HttpContext context) throws IOException {
            return Apache5Pools.redirectConnect(manager, endpoint, timeout, context);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This PoolingHttpClientConnectionManager manager,
                                @Advice.Enter boolean redirected,
                                @Advice.Argument(0) ConnectionEndpoint endpoint,
                                @Advice.Thrown Throwable failure) {
            if (!redirected) {
                Apache5Pools.connected(manager, endpoint, failure);
            }
        }
    }

    /** {@code upgrade(endpoint, context)}: TLS over a proxy tunnel; to the owning manager, counted. */
    public static final class UpgradeAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This PoolingHttpClientConnectionManager manager,
                                    @Advice.Argument(0) ConnectionEndpoint endpoint,
                                    @Advice.Argument(1) HttpContext context) throws IOException {
            return Apache5Pools.redirectUpgrade(manager, endpoint, context);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This PoolingHttpClientConnectionManager manager,
                                @Advice.Enter boolean redirected,
                                @Advice.Thrown Throwable failure) {
            if (!redirected) {
                Apache5Pools.upgraded(manager, failure);
            }
        }
    }

    /**
     * {@code ConnectExec.execute(request, scope, chain)} and {@code MinimalHttpClient.doExecute(target,
     * request, context)}, the two places that lease a connection for a request: the lease learns its method.
     */
    public static final class ConnectExecAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static String enter(@Advice.AllArguments Object[] arguments) {
            ClassicHttpRequest request = arguments[0] instanceof ClassicHttpRequest
                    ? (ClassicHttpRequest) arguments[0] : (ClassicHttpRequest) arguments[1];
            return Apache5Pools.exchangeStarting(request.getMethod());
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter String previous) {
            Apache5Pools.exchangeConnected(previous);
        }
    }

    /** {@code MainClientExec.execute(request, scope, chain)}: I/O failures per route, and Errors. */
    public static final class ExecuteAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.FieldValue("connectionManager") Object manager,
                                @Advice.Argument(1) ExecChain.Scope scope,
                                @Advice.Thrown Throwable failure) {
            if (failure != null) {
                Apache5Pools.exchangeFailed(manager, scope, failure);
            }
        }
    }

    /** {@code VersionInfo.getSoftwareInfo(name, pkg, cls)}: computed once, not on every client build. */
    public static final class SoftwareInfoAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static String enter(@Advice.Argument(0) String name, @Advice.Argument(1) String pkg,
                                   @Advice.Argument(2) Class<?> cls) {
            return Apache5SoftwareInfoCache.lookup(name, pkg, cls);
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Enter String cached, @Advice.Argument(0) String name,
                                @Advice.Argument(1) String pkg, @Advice.Argument(2) Class<?> cls,
                                @Advice.Return(readOnly = false) String returned) {
            if (cached != null) {
                returned = cached;
            } else {
                Apache5SoftwareInfoCache.remember(name, pkg, cls, returned);
            }
        }
    }

    /** {@code BrotliDecompressingEntity.isAvailable()}: a class-path probe per client build, remembered. */
    public static final class BrotliProbeAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static Boolean enter() {
            return Apache5BrotliProbeCache.lookup();
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Enter Boolean cached, @Advice.Return(readOnly = false) boolean returned) {
            if (cached != null) {
                returned = cached;
            } else {
                Apache5BrotliProbeCache.remember(returned);
            }
        }
    }

    /** {@code HttpClients.createMinimal()}: a minimal client on the managed default manager. */
    public static final class CreateMinimalAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static MinimalHttpClient enter() {
            PoolingHttpClientConnectionManager shared = Apache5Pools.defaultManager();
            return shared != null ? HttpClients.createMinimal(shared) : null;
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Enter MinimalHttpClient shared,
                                @Advice.Return(readOnly = false) MinimalHttpClient returned) {
            if (shared != null) {
                returned = shared;
            }
        }
    }
}
