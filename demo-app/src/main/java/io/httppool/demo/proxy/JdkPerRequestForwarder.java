package io.httppool.demo.proxy;

import java.io.IOException;
import java.net.http.HttpClient;

/**
 * The naive code with the JDK's own client: {@code HttpClient.newHttpClient()} for every proxied
 * request.
 *
 * <p>Each client has its own connection pool, its own SSLContext session cache and its own
 * selector thread. Code written for Java 17 cannot close it (HttpClient has {@code close()} only
 * since JDK 21), so its connection and thread go away only after the client has been garbage
 * collected: the proxy's live thread count grows with the request rate. The default client
 * (HTTP/2 preferred) works against the HTTP/1.1-only backend as it is: over HTTP its h2c upgrade
 * offer is ignored, over HTTPS ALPN settles on HTTP/1.1, and the backend's certificate names
 * 127.0.0.1, so host name verification passes. Trust comes from {@code javax.net.ssl.trustStore},
 * which the default SSLContext reads.
 */
final class JdkPerRequestForwarder implements Forwarder {

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        return JdkMessages.exchange(client, request);
    }

    @Override
    public void close() {
        // nothing shared to close: that is the point of this class
    }
}
