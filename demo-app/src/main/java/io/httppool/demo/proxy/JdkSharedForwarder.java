package io.httppool.demo.proxy;

import java.io.IOException;
import java.net.http.HttpClient;

/**
 * The reference for the JDK client: one {@code HttpClient.newHttpClient()} for the life of the proxy.
 * Its pool has no size limit, so nothing needs setting.
 */
final class JdkSharedForwarder implements Forwarder {

    private final HttpClient client = HttpClient.newHttpClient();

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        return JdkMessages.exchange(client, request);
    }

    @Override
    public void close() {
        // HttpClient has no close() before JDK 21; its threads are daemons and end with the JVM
    }
}
