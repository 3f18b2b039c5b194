package io.httppool.demo.proxy;

import java.io.IOException;
import org.apache.hc.core5.http.ClassicHttpRequest;

/** Sends one request upstream. The two implementations are the two ways of holding a client. */
public interface Forwarder extends AutoCloseable {

    UpstreamResponse forward(ClassicHttpRequest request) throws IOException;

    @Override
    void close() throws IOException;

    static Forwarder of(ProxyMode mode) {
        return switch (mode) {
            case NAIVE -> new ClientPerRequestForwarder();
            case POOLED -> new SharedPoolForwarder();
        };
    }
}
