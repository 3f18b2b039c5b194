package io.httppool.demo.proxy;

import java.io.IOException;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * The naive code with Apache HttpClient 4.5: {@code HttpClients.createDefault()} for every proxied
 * request, closed after use. Each client gets a connection pool of its own (and over HTTPS a fresh
 * SSLContext, so no session resumption); HTTPS trust comes from {@code javax.net.ssl.trustStore}.
 */
final class Apache4PerRequestForwarder implements Forwarder {

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            return Apache4Messages.exchange(client, request);
        }
    }

    @Override
    public void close() {
        // nothing shared to close: that is the point of this class
    }
}
