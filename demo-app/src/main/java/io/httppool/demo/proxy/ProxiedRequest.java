package io.httppool.demo.proxy;

import java.net.URI;
import java.util.List;

/**
 * The request the proxy sends upstream, independent of the client library that sends it: same
 * method, path, query, end-to-end headers and body as the request the proxy received.
 *
 * @param uri     the full upstream URI, {@code http(s)://host:port/path?query}
 * @param headers end-to-end headers only ({@link HopByHopHeaders} removed); Content-Type among them
 * @param body    the whole request body, empty when there is none
 */
public record ProxiedRequest(String method, URI uri, List<HeaderField> headers, byte[] body) {

    public boolean hasBody() {
        return body.length > 0;
    }
}
