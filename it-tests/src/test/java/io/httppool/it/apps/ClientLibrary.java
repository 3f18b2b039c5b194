package io.httppool.it.apps;

import java.util.Map;

/**
 * A library's per-request habits behind one interface, so that every library runs the same conformance
 * tests (as OpenTelemetry's shared HTTP client test does). Habits every library has:
 * <ul>
 *   <li>{@code default}: the library's plain per-request client;</li>
 *   <li>{@code trustall}: a client that trusts any certificate and checks no host name;</li>
 *   <li>{@code cookies}: a client with a cookie store of its own;</li>
 *   <li>{@code closing}: {@code default}, then the client is closed the way the library allows.</li>
 * </ul>
 */
public interface ClientLibrary {

    /** One request with a new client of {@code habit}, as application code does it per request. */
    default Exchange.Outcome perRequest(String habit, String method, String url, String body) {
        Object client;
        try {
            client = newClient(habit);
        } catch (Exception | Error e) {
            return new Exchange.Outcome(0, null, e);
        }
        try {
            return withClient(client, method, url, body);
        } finally {
            if ("closing".equals(habit)) {
                close(client);
            }
        }
    }

    /** Closes a client the way the library allows ({@code closing} habit, close storms). */
    void close(Object client);

    /** A client of {@code habit} kept for several requests (a control: what one client does). */
    Object newClient(String habit) throws Exception;

    /** One request on a client from {@link #newClient}. */
    Exchange.Outcome withClient(Object client, String method, String url, String body);

    /**
     * The habit of issue 14 one request long: a new client of {@code habit} does a GET and is closed the
     * library's way while the response is neither read nor closed. Libraries where that habit does not
     * exist or does not complete without the agent say why instead.
     */
    default Exchange.Outcome closeClientNotResponse(String habit, String url) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no close-the-client-not-the-response habit");
    }

    /**
     * A client whose requests go through the HTTP proxy {@code proxyHostPort} ({@code host:port}), with Basic
     * credentials {@code user:password} for it, or none when null: the library's own proxy settings, made per
     * client as application code does (ProxyConformanceIT).
     */
    default Object newProxiedClient(String proxyHostPort, String userColonPassword) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no proxied client");
    }

    /** Builds a client of {@code habit} and lets it go, closed where the library can close it (a close storm). */
    default void buildAndDrop(String habit) throws Exception {
        close(newClient(habit));
    }

    static ClientLibrary of(String name, Map<String, String> options) {
        switch (name) {
            case "apache5":
                return new Apache5Library(new Habits(options), false);
            case "apache5-5.0":
            case "apache5-5.1":
                // the same habits, run on HttpClient 5.0/5.1 jars put first on the class path (harness/LibraryVersions)
                return new Apache5Library(new Habits(options), true);
            case "apache5-async":
                return new Apache5AsyncLibrary();
            case "jdk":
                return new JdkLibrary();
            case "okhttp":
            case "okhttp-3.14":
            case "okhttp-5":
                // okhttp-3.14/okhttp-5: the same habits on OkHttp 3.14.9 or 5.x jars (harness/LibraryVersions)
                return new OkHttpLibrary();
            case "apache4":
                return new Apache4Library();
            case "spring5":
                return new SpringRestTemplateLibrary();
            default:
                throw new IllegalArgumentException("unknown library '" + name + "', known: apache5, apache5-5.0, apache5-5.1,"
                        + " apache5-async, jdk, okhttp, okhttp-3.14, okhttp-5, apache4, spring5");
        }
    }
}
