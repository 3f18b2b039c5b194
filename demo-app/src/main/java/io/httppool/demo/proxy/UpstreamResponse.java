package io.httppool.demo.proxy;

import java.io.IOException;
import java.util.List;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * An upstream answer read completely into memory, so the upstream connection is released (or
 * closed) before the proxy starts writing to its own client.
 */
public record UpstreamResponse(int status, List<Header> headers, byte[] body) {

    /** A response handler for {@code client.execute(request, handler)}. */
    static UpstreamResponse read(ClassicHttpResponse response) throws IOException {
        HttpEntity entity = response.getEntity();
        byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
        return new UpstreamResponse(response.getCode(), List.of(response.getHeaders()), body);
    }
}
