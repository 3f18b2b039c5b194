package io.httppool.it.apps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpEntityEnclosingRequestBase;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.BasicCookieStore;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.message.BasicHeader;
import org.apache.http.util.EntityUtils;

/**
 * Apache HttpClient 4.5: a new client per request, the habits found in services written against it.
 * <ul>
 *   <li>{@code default}, {@code closing}: {@code HttpClients.createDefault()} (closed after the request in
 *       {@code closing}; the other habits close it too, as try-with-resources code does);</li>
 *   <li>{@code cookies}: {@code HttpClients.custom().setDefaultCookieStore(new BasicCookieStore())};</li>
 *   <li>{@code trustall}: a trust-all {@code SSLContext} (made once) and {@code NoopHostnameVerifier} on the builder;</li>
 *   <li>{@code system}, {@code minimal}: {@code createSystem()}, {@code createMinimal()};</li>
 *   <li>{@code custom}: client-level options only (header, user agent, no redirects, interceptor, cookie store);</li>
 *   <li>{@code pooling}: {@code new PoolingHttpClientConnectionManager()} per request, set on the builder;</li>
 *   <li>{@code pooling-configured}: the same with {@code setMaxTotal(50)}/{@code setDefaultMaxPerRoute(20)}
 *       first (left alone by the agent: a connection per request, as without it);</li>
 *   <li>{@code stateless}: {@code disableConnectionState()} (keeps its own manager).</li>
 * </ul>
 */
final class Apache4Library implements ClientLibrary {

    private static final SSLContext TRUST_ALL = TrustAll.context();

    @Override
    public Object newClient(String habit) {
        switch (habit) {
            case "default":
            case "closing":
                return HttpClients.createDefault();
            case "cookies":
                return HttpClients.custom().setDefaultCookieStore(new BasicCookieStore()).build();
            case "trustall":
                return HttpClients.custom().setSSLContext(TRUST_ALL).setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE).build();
            case "system":
                return HttpClients.createSystem();
            case "minimal":
                return HttpClients.createMinimal();
            case "custom":
                return HttpClientBuilder.create()
                        .setDefaultHeaders(List.of(new BasicHeader("X-Client-Habit", "custom")))
                        .setUserAgent("it-custom-client/1.0")
                        .setDefaultCookieStore(new BasicCookieStore())
                        .disableRedirectHandling()
                        .addInterceptorFirst((org.apache.http.HttpRequestInterceptor) (request, context) ->
                                request.addHeader("X-Intercepted", "yes"))
                        .build();
            case "pooling":
                return HttpClients.custom().setConnectionManager(new PoolingHttpClientConnectionManager()).build();
            case "pooling-configured": {
                PoolingHttpClientConnectionManager manager = new PoolingHttpClientConnectionManager();
                manager.setMaxTotal(50);
                manager.setDefaultMaxPerRoute(20);
                return HttpClients.custom().setConnectionManager(manager).build();
            }
            case "stateless":
                return HttpClients.custom().disableConnectionState().build();
            default:
                throw new IllegalArgumentException("unknown habit '" + habit + "'");
        }
    }

    /** {@code HttpClients.custom().setProxy(proxy)}, with a credentials provider for the proxy when given. */
    @Override
    public Object newProxiedClient(String proxyHostPort, String userColonPassword) {
        ProxyCredentials proxy = ProxyCredentials.of(proxyHostPort, userColonPassword);
        HttpClientBuilder builder = HttpClients.custom().setProxy(new HttpHost(proxy.host(), proxy.port()));
        if (proxy.hasCredentials()) {
            BasicCredentialsProvider provider = new BasicCredentialsProvider();
            provider.setCredentials(new AuthScope(proxy.host(), proxy.port()), new UsernamePasswordCredentials(proxy.user(), proxy.password()));
            builder.setDefaultCredentialsProvider(provider);
        }
        return builder.build();
    }

    /** The per-request habit: client and response closed by try-with-resources. */
    @Override
    public Exchange.Outcome perRequest(String habit, String method, String url, String body) {
        try (CloseableHttpClient client = (CloseableHttpClient) newClient(habit)) {
            return withClient(client, method, url, body);
        } catch (IOException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        }
    }

    /** {@code try (client) { return client.execute(get).getStatusLine().getStatusCode(); }}: the response neither read nor closed. */
    @Override
    @SuppressWarnings("resource")
    public Exchange.Outcome closeClientNotResponse(String habit, String url) {
        try (CloseableHttpClient client = (CloseableHttpClient) newClient(habit)) {
            CloseableHttpResponse response = client.execute(new HttpGet(url));
            return new Exchange.Outcome(response.getStatusLine().getStatusCode(), "", null);
        } catch (IOException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        }
    }

    @Override
    public Exchange.Outcome withClient(Object client, String method, String url, String body) {
        try (CloseableHttpResponse response = ((CloseableHttpClient) client).execute(request(method, url, body))) {
            HttpEntity entity = response.getEntity();
            String text = entity == null ? "" : EntityUtils.toString(entity, StandardCharsets.UTF_8);
            return new Exchange.Outcome(response.getStatusLine().getStatusCode(), text, null);
        } catch (IOException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        }
    }

    private static HttpUriRequest request(String method, String url, String body) {
        if ("GET".equals(method)) {
            return new HttpGet(url);
        }
        if ("POST".equals(method)) {
            HttpPost post = new HttpPost(url);
            post.setEntity(new StringEntity(body == null ? "" : body, ContentType.TEXT_PLAIN));
            return post;
        }
        HttpRequestBase other = body == null ? new HttpRequestBase() {
            @Override
            public String getMethod() {
                return method;
            }
        } : new HttpEntityEnclosingRequestBase() {
            @Override
            public String getMethod() {
                return method;
            }
        };
        other.setURI(java.net.URI.create(url));
        return other;
    }

    @Override
    public void close(Object client) {
        try {
            ((CloseableHttpClient) client).close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
