package io.httppool.agent.instrumentation.apache5;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.httppool.agent.instrumentation.LibraryInstrumentation;
import io.httppool.agent.instrumentation.LibraryVersion;
import java.util.List;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.classic.MinimalHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
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
    private static final String CLIENTS = "org.apache.hc.client5.http.impl.classic.HttpClients";

    @Override
    public String libraryName() {
        return "Apache HttpClient 5 (classic)";
    }

    @Override
    public List<String> helperClassNames() {
        String pkg = Apache5Instrumentation.class.getPackageName() + ".";
        return List.of(pkg + "Apache5ConnectionConfigs", pkg + "Apache5ManagedPool", pkg + "Apache5PoolFactory",
                pkg + "Apache5Pools");
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
    public List<Hook> hooks() {
        String advice = Apache5Instrumentation.class.getName() + "$";
        return List.of(
                new Hook(named(BUILDER), named("build").and(takesArguments(0)), advice + "BuildAdvice"),
                new Hook(named(MANAGER), named("close").and(takesArguments(0).or(takesArguments(1))), advice + "CloseAdvice"),
                new Hook(named(MANAGER), named("lease").and(takesArguments(4)), advice + "LeaseAdvice"),
                new Hook(named(MANAGER), named("release").and(takesArguments(3)), advice + "ReleaseAdvice"),
                new Hook(named(CLIENTS), named("createMinimal").and(takesArguments(0)).and(isStatic()), advice + "CreateMinimalAdvice"));
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

    /** {@code PoolingHttpClientConnectionManager.close(..)}: a managed pool outlives the clients that use it. */
    public static final class CloseAdvice {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        public static boolean enter(@Advice.This PoolingHttpClientConnectionManager manager) {
            return Apache5Pools.ignoresClose(manager);
        }
    }

    /** {@code lease(id, route, requestTimeout, state)}: the agent's pool timeout where the library default stands. */
    public static final class LeaseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This PoolingHttpClientConnectionManager manager,
                                 @Advice.Argument(value = 2, readOnly = false) Timeout requestTimeout) {
            requestTimeout = Apache5Pools.leaseTimeout(manager, requestTimeout);
        }
    }

    /** {@code release(endpoint, state, keepAlive)}: the idle-connection limit and the agent's keep-alive expiry. */
    public static final class ReleaseAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This PoolingHttpClientConnectionManager manager,
                                 @Advice.Argument(value = 2, readOnly = false) TimeValue keepAlive) {
            keepAlive = Apache5Pools.keepAliveOnRelease(manager, keepAlive);
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
