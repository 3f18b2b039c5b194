package io.httppool.it.apps;

import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactoryBuilder;
import org.apache.hc.client5.http.ssl.TrustAllStrategy;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
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
            "trustall", "trustall-legacy", "noverify", "novalidate"));

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
            case "pooling": {
                PoolingHttpClientConnectionManagerBuilder cm = PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(50)
                        .setMaxConnPerRoute(20);
                if (socketTimeoutMs != null) {
                    cm.setDefaultConnectionConfig(ConnectionConfig.custom()
                            .setSocketTimeout(Timeout.ofMilliseconds(socketTimeoutMs))
                            .build());
                }
                return HttpClients.custom()
                        .setConnectionManager(cm.build())
                        .setUserAgent("it-pooling-client/1.0")
                        .build();
            }
            case "trustall":
                return HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setTlsSocketStrategy(new DefaultClientTlsStrategy(trustAll(), NoopHostnameVerifier.INSTANCE))
                                .build())
                        .build();
            case "trustall-legacy":
                return HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setSSLSocketFactory(SSLConnectionSocketFactoryBuilder.create()
                                        .setSslContext(trustAll())
                                        .setHostnameVerifier(NoopHostnameVerifier.INSTANCE)
                                        .build())
                                .build())
                        .build();
            case "noverify":
                return HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setTlsSocketStrategy(new DefaultClientTlsStrategy(SSLContexts.createDefault(), NoopHostnameVerifier.INSTANCE))
                                .build())
                        .build();
            case "novalidate":
                return HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setDefaultConnectionConfig(ConnectionConfig.custom()
                                        .setValidateAfterInactivity(TimeValue.NEG_ONE_MILLISECOND)
                                        .build())
                                .build())
                        .build();
            default:
                throw new IllegalArgumentException("unknown mode '" + mode + "'");
        }
    }

    private static SSLContext trustAll() {
        try {
            return SSLContexts.custom().loadTrustMaterial(TrustAllStrategy.INSTANCE).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
