package io.httppool.demo.proxy;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which HTTP client library the proxy forwards with. In {@link ProxyMode#NAIVE} mode each is used
 * the way code that builds a client per request uses it; in {@link ProxyMode#POOLED} mode one
 * client is shared, as a developer would fix it by hand.
 */
public enum UpstreamClient {
    APACHE5("apache5", "Apache HttpClient 5 classic",
            "HttpClients.createDefault() per request, closed after use",
            "one shared client on a PoolingHttpClientConnectionManager (100 total, 100 per route)"),
    JDK("jdk", "java.net.http.HttpClient",
            "HttpClient.newHttpClient() per request (never closed: HttpClient has no close() before JDK 21)",
            "one shared HttpClient.newHttpClient()"),
    OKHTTP("okhttp", "OkHttp 4",
            "new OkHttpClient() per request, response closed, its connection pool emptied after use",
            "one shared OkHttpClient, its pool keeping up to 100 idle connections (default 5)"),
    APACHE4("apache4", "Apache HttpClient 4.5",
            "HttpClients.createDefault() per request, closed after use",
            "one shared client on a PoolingHttpClientConnectionManager (100 total, 100 per route)"),
    APACHE5_ASYNC("apache5-async", "Apache HttpClient 5 async",
            "HttpAsyncClients.createDefault(), start(), execute(...).get(), close() per request",
            "one shared started async client on a PoolingAsyncClientConnectionManager (100 total, 100 per route)");

    private final String cliName;
    private final String library;
    private final String naiveHabit;
    private final String sharedFix;

    UpstreamClient(String cliName, String library, String naiveHabit, String sharedFix) {
        this.cliName = cliName;
        this.library = library;
        this.naiveHabit = naiveHabit;
        this.sharedFix = sharedFix;
    }

    public String cliName() {
        return cliName;
    }

    /** The library's name for people, e.g. "OkHttp 4". */
    public String library() {
        return library;
    }

    /** What the naive proxy code does per request. */
    public String naiveHabit() {
        return naiveHabit;
    }

    /** What the hand-fixed ("reference") proxy does instead. */
    public String sharedFix() {
        return sharedFix;
    }

    /** The accepted names, for usage messages: {@code apache5|jdk|okhttp|apache4|apache5-async}. */
    public static String names() {
        return Arrays.stream(values()).map(UpstreamClient::cliName).collect(Collectors.joining("|"));
    }

    public static UpstreamClient parse(String value) {
        for (UpstreamClient client : values()) {
            if (client.cliName.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return client;
            }
        }
        throw new IllegalArgumentException("--client takes one of " + names().replace("|", ", ") + ", not '" + value + "'");
    }
}
