package io.httppool.demo.proxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;

/** {@link ProxiedRequest} to and from Apache HttpClient 5 classic messages. */
final class Apache5Messages {

    private Apache5Messages() {
    }

    static ClassicHttpRequest request(ProxiedRequest proxied) {
        BasicClassicHttpRequest request = new BasicClassicHttpRequest(proxied.method(), proxied.uri());
        for (HeaderField header : proxied.headers()) {
            request.addHeader(header.name(), header.value());
        }
        if (proxied.hasBody()) {
            // The copied Content-Type header is the one sent, so the entity carries none of its own.
            request.setEntity(new ByteArrayEntity(proxied.body(), null));
        }
        return request;
    }

    /** A response handler for {@code client.execute(request, handler)}. */
    static UpstreamResponse read(ClassicHttpResponse response) throws IOException {
        HttpEntity entity = response.getEntity();
        byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
        return new UpstreamResponse(response.getCode(), headers(response.getHeaders()), body);
    }

    static List<HeaderField> headers(Header[] headers) {
        List<HeaderField> fields = new ArrayList<>(headers.length);
        for (Header header : headers) {
            fields.add(new HeaderField(header.getName(), header.getValue()));
        }
        return fields;
    }
}
