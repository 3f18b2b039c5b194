package io.httppool.demo.proxy;

import java.io.IOException;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;

/**
 * The naive code with Apache HttpClient 5 async: {@code HttpAsyncClients.createDefault()},
 * {@code start()}, {@code execute(...).get()} and {@code close()} for every proxied request. Each
 * client starts an I/O reactor of its own (a dispatcher thread per CPU) and opens its own
 * connection; HTTPS trust comes from {@code javax.net.ssl.trustStore}.
 */
final class Apache5AsyncPerRequestForwarder implements Forwarder {

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault()) {
            client.start();
            return Apache5AsyncMessages.exchange(client, request);
        }
    }

    @Override
    public void close() {
        // nothing shared to close: that is the point of this class
    }
}
