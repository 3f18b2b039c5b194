package io.httppool.demo.proxy;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns an incoming exchange into the request the proxy sends upstream: same method, path, query, headers, body. */
final class UpstreamRequests {

    private UpstreamRequests() {
    }

    /**
     * @param upstream scheme, host and port of the backend, e.g. {@code https://127.0.0.1:8443}
     */
    static ProxiedRequest from(HttpExchange exchange, URI upstream) throws IOException {
        URI incoming = exchange.getRequestURI();
        String target = incoming.getRawPath() + (incoming.getRawQuery() == null ? "" : "?" + incoming.getRawQuery());
        List<HeaderField> headers = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (HopByHopHeaders.skip(header.getKey())) {
                continue;
            }
            for (String value : header.getValue()) {
                headers.add(new HeaderField(header.getKey(), value));
            }
        }
        // Buffered, so that every client sends it with a Content-Length.
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        return new ProxiedRequest(exchange.getRequestMethod(),
                URI.create(upstream.getScheme() + "://" + upstream.getRawAuthority() + target), headers, body);
    }
}
