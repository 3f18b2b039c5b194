package io.httppool.demo.proxy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@link ProxiedRequest} to and from {@code java.net.http} messages, and one exchange. */
final class JdkMessages {

    /**
     * Headers {@code HttpRequest.Builder} refuses unless {@code jdk.httpclient.allowRestrictedHeaders}
     * says otherwise; the client sets them itself. All but Expect are hop-by-hop and already gone.
     */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private JdkMessages() {
    }

    static HttpRequest request(ProxiedRequest proxied) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(proxied.uri())
                .method(proxied.method(), proxied.hasBody()
                        ? HttpRequest.BodyPublishers.ofByteArray(proxied.body())
                        : HttpRequest.BodyPublishers.noBody());
        for (HeaderField header : proxied.headers()) {
            if (!RESTRICTED.contains(header.name().toLowerCase(Locale.ROOT))) {
                builder.header(header.name(), header.value());
            }
        }
        return builder.build();
    }

    /** Sends the request and reads the whole answer. */
    static UpstreamResponse exchange(HttpClient client, ProxiedRequest proxied) throws IOException {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request(proxied), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upstream answer");
        }
        List<HeaderField> headers = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            if (header.getKey().startsWith(":")) {
                continue; // an HTTP/2 pseudo-header, not a header
            }
            for (String value : header.getValue()) {
                headers.add(new HeaderField(header.getKey(), value));
            }
        }
        return new UpstreamResponse(response.statusCode(), headers, response.body());
    }
}
