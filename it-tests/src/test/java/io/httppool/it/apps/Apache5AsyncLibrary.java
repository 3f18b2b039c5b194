package io.httppool.it.apps;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;

/**
 * Apache HttpClient 5, async API: per request a client is created, started, used (one request, its future
 * awaited) and closed, as {@code try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault())
 * { client.start(); client.execute(request, null).get(); }} does. Habits:
 * <ul>
 *   <li>{@code default}, {@code closing}: {@code HttpAsyncClients.createDefault()};</li>
 *   <li>{@code system}: {@code createSystem()};</li>
 *   <li>{@code cookies}: {@code custom().setDefaultCookieStore(new BasicCookieStore())};</li>
 *   <li>{@code trustall}: a connection manager whose TLS strategy trusts any certificate and checks no host
 *       name (over one SSLContext made once: a new one per request would be a new setup each time);</li>
 *   <li>{@code h2}: {@code createHttp2Default()} (HTTP/2 only: over TLS by ALPN, in clear text by prior knowledge);</li>
 *   <li>{@code unclosed}: {@code createDefault()}, started, used and never closed (the leak of clj-http#537);</li>
 *   <li>{@code minimal}, {@code minimal-unclosed}: {@code createMinimal()} (closed, never closed);
 *       {@code h2-minimal}: {@code createHttp2Minimal()}.</li>
 * </ul>
 */
final class Apache5AsyncLibrary implements ClientLibrary {

    private static final SSLContext TRUST_ALL = TrustAll.context();
    static final long TIMEOUT_SECONDS = 60;

    @Override
    public Exchange.Outcome perRequest(String habit, String method, String url, String body) {
        CloseableHttpAsyncClient client;
        try {
            client = newClient(habit);
        } catch (RuntimeException | Error e) {
            return new Exchange.Outcome(0, null, e);
        }
        try {
            return withClient(client, method, url, body);
        } finally {
            if (!habit.endsWith("unclosed")) {
                client.close(CloseMode.GRACEFUL);
            }
        }
    }

    @Override
    public CloseableHttpAsyncClient newClient(String habit) {
        CloseableHttpAsyncClient client = build(habit);
        client.start();
        return client;
    }

    /** {@code HttpAsyncClients.custom().setProxy(proxy)}, with a credentials provider for the proxy when given; started. */
    @Override
    public CloseableHttpAsyncClient newProxiedClient(String proxyHostPort, String userColonPassword) {
        ProxyCredentials proxy = ProxyCredentials.of(proxyHostPort, userColonPassword);
        HttpHost host = new HttpHost("http", proxy.host(), proxy.port());
        HttpAsyncClientBuilder builder = HttpAsyncClients.custom().setProxy(host);
        if (proxy.hasCredentials()) {
            BasicCredentialsProvider provider = new BasicCredentialsProvider();
            provider.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(proxy.user(), proxy.password().toCharArray()));
            builder.setDefaultCredentialsProvider(provider);
        }
        CloseableHttpAsyncClient client = builder.build();
        client.start();
        return client;
    }

    private static CloseableHttpAsyncClient build(String habit) {
        switch (habit) {
            case "default":
            case "closing":
            case "unclosed":
                return HttpAsyncClients.createDefault();
            case "system":
                return HttpAsyncClients.createSystem();
            case "cookies":
                return HttpAsyncClients.custom().setDefaultCookieStore(new BasicCookieStore()).build();
            case "trustall":
                return HttpAsyncClients.custom().setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(TRUST_ALL)
                                .setHostnameVerifier(NoopHostnameVerifier.INSTANCE).buildAsync())
                        .build()).build();
            case "h2":
                return HttpAsyncClients.createHttp2Default();
            case "minimal":
            case "minimal-unclosed":
                return HttpAsyncClients.createMinimal();
            case "h2-minimal":
                return HttpAsyncClients.createHttp2Minimal();
            default:
                throw new IllegalArgumentException("unknown habit '" + habit + "'");
        }
    }

    @Override
    public Exchange.Outcome withClient(Object client, String method, String url, String body) {
        SimpleRequestBuilder request = SimpleRequestBuilder.create(method).setUri(url);
        if (!"GET".equals(method)) {
            request.setBody(body == null ? "" : body, ContentType.TEXT_PLAIN);
        }
        try {
            SimpleHttpResponse response = ((CloseableHttpAsyncClient) client).execute(request.build(), null)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Exchange.Outcome(response.getCode(), response.getBodyText() == null ? "" : response.getBodyText(), null);
        } catch (ExecutionException e) {
            return new Exchange.Outcome(0, null, e.getCause() != null ? e.getCause() : e);
        } catch (TimeoutException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Exchange.Outcome(0, null, e);
        }
    }

    @Override
    public void close(Object client) {
        ((CloseableHttpAsyncClient) client).close(CloseMode.GRACEFUL);
    }
}
