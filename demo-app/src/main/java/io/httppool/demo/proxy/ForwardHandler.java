package io.httppool.demo.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * {@code /sessions/{id}/...}: forwards the request to the upstream backend and copies the answer
 * back. Upstream statuses (404, 500...) pass through unchanged; only a failure to get an answer at
 * all becomes a 502 and counts as an error.
 */
final class ForwardHandler implements HttpHandler {

    private final URI upstream;
    private final Forwarder forwarder;
    private final ProxyStats stats;

    ForwardHandler(URI upstream, Forwarder forwarder, ProxyStats stats) {
        this.upstream = upstream;
        this.forwarder = forwarder;
        this.stats = stats;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            UpstreamResponse response;
            try {
                ProxiedRequest request = UpstreamRequests.from(exchange, upstream);
                response = forwarder.forward(request);
            } catch (IOException | RuntimeException e) {
                stats.error();
                byte[] body = ("upstream request failed: " + e).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(502, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            stats.forwarded();
            for (HeaderField header : response.headers()) {
                if (!HopByHopHeaders.skip(header.name())) {
                    exchange.getResponseHeaders().add(header.name(), header.value());
                }
            }
            byte[] body = response.body();
            // The JDK server reads 0 as "chunked" and -1 as "no body".
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
