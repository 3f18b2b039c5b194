package io.httppool.demo.proxy;

import java.io.IOException;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * The reference for Apache HttpClient 4.5: one client for the life of the proxy, on a pooling
 * connection manager sized like the other references (HttpClient 4's default is 2 per route).
 */
final class Apache4SharedForwarder implements Forwarder {

    private final CloseableHttpClient client;

    Apache4SharedForwarder() {
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager();
        connections.setMaxTotal(SharedPoolForwarder.MAX_TOTAL);
        connections.setDefaultMaxPerRoute(SharedPoolForwarder.MAX_PER_ROUTE);
        client = HttpClients.custom().setConnectionManager(connections).build();
    }

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        return Apache4Messages.exchange(client, request);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
