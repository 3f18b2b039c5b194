package io.httppool.it.apps;

import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.HttpHost;

/**
 * Apache HttpClient 5 classic: the habits of {@link Habits} ({@code cookies} and {@code closing} are its
 * default). On 5.0/5.1 ({@code before52}) the trust-all client is written with what those versions have.
 */
final class Apache5Library implements ClientLibrary {

    private final Habits habits;
    private final boolean before52;

    Apache5Library(Habits habits, boolean before52) {
        this.habits = habits;
        this.before52 = before52;
    }

    private String mode(String habit) {
        if ("cookies".equals(habit) || "closing".equals(habit)) {
            return "default";
        }
        return before52 && "trustall".equals(habit) ? "trustall-legacy" : habit;
    }

    /** Try-with-resources around client and response, as {@link Exchange#perRequest} writes it. */
    @Override
    public Exchange.Outcome perRequest(String habit, String method, String url, String body) {
        return Exchange.perRequest(habits, mode(habit), method, url, body);
    }

    /** {@code try (client) { return client.execute(get).getCode(); }}: see {@link Exchange#closeClientNotResponse}. */
    @Override
    public Exchange.Outcome closeClientNotResponse(String habit, String url) {
        return Exchange.closeClientNotResponse(habits, mode(habit), url);
    }

    @Override
    public Object newClient(String habit) {
        return habits.newClient(mode(habit));
    }

    @Override
    public Object newProxiedClient(String proxyHostPort, String userColonPassword) {
        return proxied(ProxyCredentials.of(proxyHostPort, userColonPassword));
    }

    /** {@code HttpClients.custom().setProxy(proxy)}, with a credentials provider for the proxy when given. */
    static CloseableHttpClient proxied(ProxyCredentials proxy) {
        HttpHost host = new HttpHost("http", proxy.host(), proxy.port());
        HttpClientBuilder builder = HttpClients.custom().setProxy(host);
        if (proxy.hasCredentials()) {
            BasicCredentialsProvider provider = new BasicCredentialsProvider();
            provider.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(proxy.user(), proxy.password().toCharArray()));
            builder.setDefaultCredentialsProvider(provider);
        }
        return builder.build();
    }

    @Override
    public Exchange.Outcome withClient(Object client, String method, String url, String body) {
        return Exchange.withClient((CloseableHttpClient) client, method, url, body);
    }

    @Override
    public void close(Object client) {
        try {
            ((CloseableHttpClient) client).close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
