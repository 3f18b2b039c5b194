package io.httppool.demo.proxy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

/** Turns an incoming exchange into the request the proxy sends upstream: same method, path, query, headers, body. */
final class UpstreamRequests {

    private UpstreamRequests() {
    }

    /**
     * @param upstream scheme, host and port of the backend, e.g. {@code https://127.0.0.1:8443}
     */
    static ClassicHttpRequest from(HttpExchange exchange, URI upstream) throws IOException {
        URI incoming = exchange.getRequestURI();
        String target = incoming.getRawPath() + (incoming.getRawQuery() == null ? "" : "?" + incoming.getRawQuery());
        BasicClassicHttpRequest request = new BasicClassicHttpRequest(
                exchange.getRequestMethod(), URI.create(upstream.getScheme() + "://" + upstream.getRawAuthority() + target));
        copyHeaders(exchange.getRequestHeaders(), request);
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (body.length > 0) {
            // Buffered so the upstream request has a Content-Length; the copied Content-Type header
            // is the one sent, so the entity carries none of its own.
            request.setEntity(new ByteArrayEntity(body, null));
        }
        return request;
    }

    private static void copyHeaders(Headers headers, BasicClassicHttpRequest request) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (HopByHopHeaders.skip(header.getKey())) {
                continue;
            }
            for (String value : header.getValue()) {
                request.addHeader(header.getKey(), value);
            }
        }
    }
}
