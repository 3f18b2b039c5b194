package io.httppool.demo.proxy;

import java.io.IOException;

/**
 * Sends one request upstream. There is a pair of implementations per client library: the naive
 * one builds a client per request, the other shares one client (the hand fix).
 */
public interface Forwarder extends AutoCloseable {

    UpstreamResponse forward(ProxiedRequest request) throws IOException;

    @Override
    void close() throws IOException;

    static Forwarder of(UpstreamClient client, ProxyMode mode) {
        boolean naive = mode == ProxyMode.NAIVE;
        return switch (client) {
            case APACHE5 -> naive ? new ClientPerRequestForwarder() : new SharedPoolForwarder();
            case JDK -> naive ? new JdkPerRequestForwarder() : new JdkSharedForwarder();
            case OKHTTP -> naive ? new OkHttpPerRequestForwarder() : new OkHttpSharedForwarder();
            case APACHE4 -> naive ? new Apache4PerRequestForwarder() : new Apache4SharedForwarder();
            case APACHE5_ASYNC -> naive ? new Apache5AsyncPerRequestForwarder() : new Apache5AsyncSharedForwarder();
        };
    }
}
