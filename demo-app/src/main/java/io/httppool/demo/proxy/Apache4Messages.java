package io.httppool.demo.proxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.methods.RequestBuilder;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.util.EntityUtils;

/** {@link ProxiedRequest} to and from Apache HttpClient 4 messages, and one exchange with the response closed. */
final class Apache4Messages {

    private Apache4Messages() {
    }

    static HttpUriRequest request(ProxiedRequest proxied) {
        RequestBuilder builder = RequestBuilder.create(proxied.method()).setUri(proxied.uri());
        for (HeaderField header : proxied.headers()) {
            builder.addHeader(header.name(), header.value());
        }
        if (proxied.hasBody()) {
            // The copied Content-Type header is the one sent, so the entity carries none of its own.
            builder.setEntity(new ByteArrayEntity(proxied.body()));
        }
        return builder.build();
    }

    static UpstreamResponse exchange(CloseableHttpClient client, ProxiedRequest proxied) throws IOException {
        try (CloseableHttpResponse response = client.execute(request(proxied))) {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
            Header[] headers = response.getAllHeaders();
            List<HeaderField> fields = new ArrayList<>(headers.length);
            for (Header header : headers) {
                fields.add(new HeaderField(header.getName(), header.getValue()));
            }
            return new UpstreamResponse(response.getStatusLine().getStatusCode(), fields, body);
        }
    }
}
