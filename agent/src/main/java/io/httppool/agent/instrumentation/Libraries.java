package io.httppool.agent.instrumentation;

import io.httppool.agent.config.AgentConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Every library the agent knows how to pool, as premain needs it: the one place a new library is added, with
 * {@link LibraryInstrumentations}, which makes its hooks.
 */
public final class Libraries {

    /**
     * What {@code premain} needs of one library: its id (for {@code HTTP_POOL_<ID>_ENABLED}) and the classes
     * its hooks are woven into. The library's {@link LibraryInstrumentation} (its hooks, helpers, version
     * checks) is made only when one of these classes first loads: building the hooks of all five libraries
     * took 6-9 ms of every JVM's start, one that never loads an HTTP client included. {@code LibrariesTest}
     * checks each list against the types its hooks name.
     */
    public static final class Known {
        private final String id;
        private final List<String> hookedTypes;

        Known(String id, List<String> hookedTypes) {
            this.id = id;
            this.hookedTypes = hookedTypes;
        }

        public String id() {
            return id;
        }

        /** Internal names of the classes the library's hooks are woven into. */
        public List<String> hookedTypes() {
            return hookedTypes;
        }
    }

    private static final String HC5 = "org/apache/hc/client5/http/";
    private static final String HC4 = "org/apache/http/";

    static final List<Known> KNOWN = List.of(
            new Known("apache5", List.of(
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
            new Known("apache5-async", List.of(
                    HC5 + "impl/async/AbstractHttpAsyncClientBase",
                    HC5 + "impl/async/H2AsyncClientBuilder",
                    HC5 + "impl/async/HttpAsyncClientBuilder",
                    HC5 + "impl/async/HttpAsyncClients",
                    HC5 + "impl/async/MinimalH2AsyncClient",
                    HC5 + "impl/async/MinimalHttpAsyncClient",
                    HC5 + "impl/nio/PoolingAsyncClientConnectionManager",
                    HC5 + "impl/nio/PoolingAsyncClientConnectionManagerBuilder")),
            new Known("jdk", List.of(
                    "jdk/internal/net/http/HttpClientBuilderImpl",
                    "jdk/internal/net/http/HttpClientImpl",
                    "jdk/internal/net/http/HttpConnection")),
            new Known("okhttp", List.of(
                    "okhttp3/ConnectionPool",
                    "okhttp3/OkHttpClient",
                    "okhttp3/OkHttpClient$Builder",
                    "okhttp3/internal/connection/RealConnectionPool",
                    "okhttp3/internal/platform/Platform")),
            new Known("apache4", List.of(
                    HC4 + "impl/client/HttpClientBuilder",
                    HC4 + "impl/client/HttpClients",
                    HC4 + "impl/client/InternalHttpClient",
                    HC4 + "impl/client/MinimalHttpClient",
                    HC4 + "impl/conn/PoolingHttpClientConnectionManager",
                    HC4 + "impl/execchain/MainClientExec",
                    HC4 + "impl/execchain/MinimalClientExec",
                    HC4 + "util/VersionInfo")));

    private Libraries() {
    }

    /** The libraries the operator left switched on. */
    public static List<Known> enabled(AgentConfig config) {
        List<Known> enabled = new ArrayList<>();
        for (Known known : KNOWN) {
            if (config.libraryEnabled(known.id())) {
                enabled.add(known);
            }
        }
        return enabled;
    }
}
