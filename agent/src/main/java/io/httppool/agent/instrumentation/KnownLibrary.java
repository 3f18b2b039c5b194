package io.httppool.agent.instrumentation;

import io.httppool.agent.config.AgentConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A library the agent knows how to pool, as premain needs it: its id (for {@code HTTP_POOL_<ID>_ENABLED}) and the
 * classes its hooks are woven into. {@link #ALL} is the one place a new library is added, with
 * {@link LibraryInstrumentations}, which makes its hooks.
 *
 * <p>The library's {@link LibraryInstrumentation} (its hooks, helpers, version checks) is made only when one of
 * these classes first loads: building the hooks of all five libraries took 6-9 ms of every JVM's start, one that
 * never loads an HTTP client included. For the same reason the list lives in this class, not in a class of
 * its own beside it: each class loaded in premain costs ~0.3 ms. {@code KnownLibraryTest} checks each list
 * against the types its hooks name.
 */
public final class KnownLibrary {

    private static final String HC5 = "org/apache/hc/client5/http/";
    private static final String HC4 = "org/apache/http/";

    static final List<KnownLibrary> ALL = List.of(
            new KnownLibrary("apache5", List.of(
                    HC5 + "entity/BrotliDecompressingEntity",
                    HC5 + "impl/classic/ConnectExec",
                    HC5 + "impl/classic/HttpClientBuilder",
                    HC5 + "impl/classic/HttpClients",
                    HC5 + "impl/classic/InternalHttpClient",
                    HC5 + "impl/classic/MainClientExec",
                    HC5 + "impl/classic/MinimalHttpClient",
                    HC5 + "impl/io/PoolingHttpClientConnectionManager",
                    HC5 + "impl/io/PoolingHttpClientConnectionManagerBuilder",
                    "org/apache/hc/core5/util/VersionInfo")),
            new KnownLibrary("apache5-async", List.of(
                    HC5 + "impl/async/AbstractHttpAsyncClientBase",
                    HC5 + "impl/async/H2AsyncClientBuilder",
                    HC5 + "impl/async/HttpAsyncClientBuilder",
                    HC5 + "impl/async/HttpAsyncClients",
                    HC5 + "impl/async/MinimalH2AsyncClient",
                    HC5 + "impl/async/MinimalHttpAsyncClient",
                    HC5 + "impl/nio/PoolingAsyncClientConnectionManager",
                    HC5 + "impl/nio/PoolingAsyncClientConnectionManagerBuilder")),
            new KnownLibrary("jdk", List.of(
                    "jdk/internal/net/http/HttpClientBuilderImpl",
                    "jdk/internal/net/http/HttpClientImpl",
                    "jdk/internal/net/http/HttpConnection")),
            new KnownLibrary("okhttp", List.of(
                    "okhttp3/ConnectionPool",
                    "okhttp3/OkHttpClient",
                    "okhttp3/OkHttpClient$Builder",
                    "okhttp3/internal/connection/RealConnectionPool",
                    "okhttp3/internal/platform/Platform")),
            new KnownLibrary("apache4", List.of(
                    HC4 + "impl/client/HttpClientBuilder",
                    HC4 + "impl/client/HttpClients",
                    HC4 + "impl/client/InternalHttpClient",
                    HC4 + "impl/client/MinimalHttpClient",
                    HC4 + "impl/conn/PoolingHttpClientConnectionManager",
                    HC4 + "impl/execchain/MainClientExec",
                    HC4 + "impl/execchain/MinimalClientExec",
                    HC4 + "util/VersionInfo")));

    private final String id;
    private final List<String> hookedTypes;

    private KnownLibrary(String id, List<String> hookedTypes) {
        this.id = id;
        this.hookedTypes = hookedTypes;
    }

    /** The libraries the operator left switched on. */
    public static List<KnownLibrary> enabled(AgentConfig config) {
        List<KnownLibrary> enabled = new ArrayList<>();
        for (KnownLibrary known : ALL) {
            if (config.libraryEnabled(known.id)) {
                enabled.add(known);
            }
        }
        return enabled;
    }

    public String id() {
        return id;
    }

    /** Internal names of the classes the library's hooks are woven into. */
    public List<String> hookedTypes() {
        return hookedTypes;
    }
}
