package io.httppool.demo.proxy;

import java.io.IOException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;

/**
 * The "reference": what a developer gets by fixing the code by hand. One client for the life of
 * the proxy, on a pooling connection manager sized like the agent's defaults.
 *
 * <p>The sizes matter: HttpClient's own default of 5 connections per route would throttle a proxy
 * that sends everything to one backend, and the comparison would then measure that limit rather
 * than pooling.
 */
final class SharedPoolForwarder implements Forwarder {

    /** Same as the agent's HTTP_MAX_CONNECTIONS default. */
    static final int MAX_TOTAL = 100;
    /** Same as the agent's HTTP_MAX_CONNECTIONS_PER_ROUTE default (= the total). */
    static final int MAX_PER_ROUTE = 100;

    private final CloseableHttpClient client;

    SharedPoolForwarder() {
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(MAX_TOTAL)
                .setMaxConnPerRoute(MAX_PER_ROUTE)
                .build();
        client = HttpClients.custom().setConnectionManager(connections).build();
    }

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        return client.execute(Apache5Messages.request(request), Apache5Messages::read);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
