package io.httppool.demo.proxy;

import java.io.IOException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/**
 * The "before" code, written the way the original session manager did it: a fresh default client
 * for every proxied request, closed when the request is done.
 *
 * <p>Each call therefore builds a new connection pool and a new SSLContext, opens a TCP connection
 * (and over HTTPS does a full TLS handshake, since a new SSLContext has an empty session cache),
 * and closes it again. This class must stay this naive: it is what the agent is meant to fix
 * without a code change. HTTPS trust comes from the standard {@code javax.net.ssl.trustStore}
 * system property, which the default client honours.
 */
final class ClientPerRequestForwarder implements Forwarder {

    @Override
    public UpstreamResponse forward(ProxiedRequest request) throws IOException {
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            return client.execute(Apache5Messages.request(request), Apache5Messages::read);
        }
    }

    @Override
    public void close() {
        // nothing shared to close: that is the point of this class
    }
}
