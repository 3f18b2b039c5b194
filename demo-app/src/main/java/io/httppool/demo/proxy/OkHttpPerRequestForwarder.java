package io.httppool.demo.proxy;

import java.io.IOException;
import okhttp3.OkHttpClient;

/**
 * The naive code with OkHttp: {@code new OkHttpClient()} for every proxied request, which gives each
 * request a connection pool (and over HTTPS an SSL socket factory) of its own.
 *
 * <p>After the call it empties the client's connection pool, the release OkHttp documents for a
 * client that is no longer needed, like the Apache naive code closes its client. Without it every
 * request would leave its connection open for OkHttp's five-minute keep-alive, and the comparison
 * would measure the backend's thousands of idle connections instead of the proxy.
 */
final class OkHttpPerRequestForwarder implements Forwarder {

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        OkHttpClient client = new OkHttpClient();
        try {
            return OkHttpMessages.exchange(client, request);
        } finally {
            client.connectionPool().evictAll();
        }
    }

    @Override
    public void close() {
        // nothing shared to close: that is the point of this class
    }
}
