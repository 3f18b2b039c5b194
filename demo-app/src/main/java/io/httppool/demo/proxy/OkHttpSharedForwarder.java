package io.httppool.demo.proxy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The reference for OkHttp: one {@code OkHttpClient} for the life of the proxy.
 *
 * <p>Its connection pool keeps up to {@link SharedPoolForwarder#MAX_TOTAL} idle connections, like
 * the other references. OkHttp's default keeps 5: with 16 concurrent clients a burst of answers
 * leaves more than 5 idle for a moment, the rest are closed and reopened, and the reference opened
 * 64 connections in 3 s where the other libraries open 16.
 */
final class OkHttpSharedForwarder implements Forwarder {

    private final OkHttpClient client = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(SharedPoolForwarder.MAX_TOTAL, 5, TimeUnit.MINUTES))
            .build();

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        return OkHttpMessages.exchange(client, request);
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
