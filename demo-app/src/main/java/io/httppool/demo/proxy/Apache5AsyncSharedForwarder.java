package io.httppool.demo.proxy;

import java.io.IOException;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;

/**
 * The reference for Apache HttpClient 5 async: one started client for the life of the proxy, its
 * pool raised from the default 5 per route (which would throttle a proxy with one backend) to the
 * sizes of the other references.
 */
final class Apache5AsyncSharedForwarder implements Forwarder {

    private final CloseableHttpAsyncClient client;

    Apache5AsyncSharedForwarder() {
        client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(SharedPoolForwarder.MAX_TOTAL)
                        .setMaxConnPerRoute(SharedPoolForwarder.MAX_PER_ROUTE)
                        .build())
                .build();
        client.start();
    }

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        return Apache5AsyncMessages.exchange(client, request);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
