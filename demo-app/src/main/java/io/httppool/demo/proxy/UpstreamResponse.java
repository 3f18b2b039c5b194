package io.httppool.demo.proxy;

import java.util.List;

/**
 * An upstream answer read completely into memory, so the upstream connection is released (or
 * closed) before the proxy starts writing to its own client.
 */
public record UpstreamResponse(int status, List<HeaderField> headers, byte[] body) {
}
