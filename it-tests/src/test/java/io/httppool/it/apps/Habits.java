package io.httppool.it.apps;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactoryBuilder;
import org.apache.hc.client5.http.ssl.TrustAllStrategy;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;

/**
 * The per-request client habits found in real services (issue 2). Every call builds a brand-new
 * client, exactly as the application code would; the caller closes it after one request.
 *
 * <p>Modes:
 * <ul>
 *   <li>{@code default}: {@code HttpClients.createDefault()}</li>
 *   <li>{@code system}: {@code HttpClients.createSystem()}</li>
 *   <li>{@code minimal}: {@code HttpClients.createMinimal()}</li>
 *   <li>{@code builder}: {@code HttpClientBuilder.create().build()}</li>
 *   <li>{@code custom}: {@code HttpClients.custom()} with client-level options (default header,
 *       user agent, own cookie store, redirects disabled, a request interceptor, request config)</li>
 *   <li>{@code pooling}: {@code HttpClients.custom().setConnectionManager(
 *       PoolingHttpClientConnectionManagerBuilder.create()...build()).build()}: a new pool per request</li>
 *   <li>{@code trustall}: trust-all SSLContext + {@code NoopHostnameVerifier} (TlsSocketStrategy API)</li>
 *   <li>{@code trustall-legacy}: the same through the deprecated {@code setSSLSocketFactory}</li>
 *   <li>{@code noverify}: default trust, but {@code NoopHostnameVerifier}</li>
 *   <li>{@code novalidate}: own pool that never validates idle connections (a control for the
 *       stale-connection test: it must fail where a validating pool succeeds)</li>
 *   <li>{@code newmanager}: {@code new PoolingHttpClientConnectionManager()} with {@code setMaxTotal(50)} and
 *       {@code setDefaultMaxPerRoute(20)}, set on the builder: the example code of many tutorials</li>
 *   <li>{@code newmanager-socketconfig}: the same, also {@code setDefaultSocketConfig(...)} on the manager</li>
 *   <li>{@code newmanager-late}: the same, {@code setMaxTotal(40)} called once more after the client is built</li>
 * </ul>
 * Options (key=value program arguments): {@code response-timeout-ms} (an app-level
 * RequestConfig responseTimeout, applied in {@code custom} mode), {@code socket-timeout-ms} (an
 * app-level ConnectionConfig socketTimeout, applied in {@code pooling} mode).
 */
public final class Habits {

    /** The habits every "all habits" test runs. */
    public static final List<String> PER_REQUEST = List.of("default", "system", "minimal", "custom", "pooling");

    public static final Set<String> ALL = new TreeSet<>(List.of(
            "default", "system", "minimal", "builder", "custom", "pooling",
            "trustall", "trustall-legacy", "noverify", "novalidate", "newmanager", "newmanager-socketconfig", "newmanager-late"));

    private final Long responseTimeoutMs;
    private final Long socketTimeoutMs;

    public Habits(Map<String, String> options) {
        this.responseTimeoutMs = options.containsKey("response-timeout-ms")
                ? Long.valueOf(options.get("response-timeout-ms")) : null;
        this.socketTimeoutMs = options.containsKey("socket-timeout-ms")
                ? Long.valueOf(options.get("socket-timeout-ms")) : null;
    }

    public static void check(String mode) {
        if (!ALL.contains(mode)) {
            throw new IllegalArgumentException("unknown mode '" + mode + "', known: " + ALL);
        }
    }

    @SuppressWarnings("deprecation")
    public CloseableHttpClient newClient(String mode) {
        switch (mode) {
            case "default":
                return HttpClients.createDefault();
            case "system":
                return HttpClients.createSystem();
            case "minimal":
                return HttpClients.createMinimal();
            case "builder":
                return HttpClientBuilder.create().build();
            case "custom": {
                RequestConfig.Builder rc = RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.ofSeconds(20));
                if (responseTimeoutMs != null) {
                    rc.setResponseTimeout(Timeout.ofMilliseconds(responseTimeoutMs));
                }
                return HttpClients.custom()
                        .setDefaultHeaders(List.of(new BasicHeader("X-Client-Habit", "custom")))
                        .setUserAgent("it-custom-client/1.0")
                        .setDefaultCookieStore(new BasicCookieStore())
                        .disableRedirectHandling()
                        .addRequestInterceptorFirst((request, entity, context) ->
                                request.addHeader("X-Intercepted", "yes"))
                        .setDefaultRequestConfig(rc.build())
                        .build();
            }
            case "pooling":
                return Habits52.pooling(socketTimeoutMs);
            case "trustall":
                return Habits52.trustAll(trustAll());
            case "noverify":
                return Habits52.noVerify();
            case "novalidate":
                return Habits52.noValidate();
            case "trustall-legacy":
                return HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setSSLSocketFactory(SSLConnectionSocketFactoryBuilder.create()
                                        .setSslContext(trustAll())
                                        .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                                        .build())
                                .build())
                        .build();
            case "newmanager":
            case "newmanager-socketconfig":
            case "newmanager-late": {
                org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager cm =
                        new org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager();
                cm.setMaxTotal(50);
                cm.setDefaultMaxPerRoute(20);
                if (mode.equals("newmanager-socketconfig")) {
                    cm.setDefaultSocketConfig(org.apache.hc.core5.http.io.SocketConfig.custom()
                            .setSoTimeout(Timeout.ofSeconds(20)).build());
                }
                CloseableHttpClient client = HttpClients.custom().setConnectionManager(cm).build();
                if (mode.equals("newmanager-late")) {
                    cm.setMaxTotal(40);
                }
                return client;
            }
            default:
                throw new IllegalArgumentException("unknown mode '" + mode + "'");
        }
    }

    static SSLContext trustAll() {
        try {
            return SSLContexts.custom().loadTrustMaterial(TrustAllStrategy.INSTANCE).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
