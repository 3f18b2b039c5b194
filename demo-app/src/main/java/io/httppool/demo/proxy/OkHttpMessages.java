package io.httppool.demo.proxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** {@link ProxiedRequest} to and from OkHttp messages, and one exchange with the response closed. */
final class OkHttpMessages {

    private OkHttpMessages() {
    }

    static Request request(ProxiedRequest proxied) {
        Request.Builder builder = new Request.Builder().url(proxied.uri().toString());
        for (HeaderField header : proxied.headers()) {
            builder.addHeader(header.name(), header.value());
        }
        // OkHttp refuses a body on GET and HEAD and requires one on POST, PUT and PATCH.
        boolean needsBody = proxied.hasBody() || switch (proxied.method()) {
            case "POST", "PUT", "PATCH" -> true;
            default -> false;
        };
        // No media type of its own: the copied Content-Type header is the one sent.
        RequestBody body = needsBody ? RequestBody.create(proxied.body(), null) : null;
        return builder.method(proxied.method(), body).build();
    }

    /** Sends the request and reads the whole answer; the response is closed, so its connection is released. */
    static UpstreamResponse exchange(OkHttpClient client, ProxiedRequest proxied) throws IOException {
        try (Response response = client.newCall(request(proxied)).execute()) {
            ResponseBody body = response.body();
            byte[] bytes = body == null ? new byte[0] : body.bytes();
            Headers headers = response.headers();
            List<HeaderField> fields = new ArrayList<>(headers.size());
            for (int i = 0; i < headers.size(); i++) {
                fields.add(new HeaderField(headers.name(i), headers.value(i)));
            }
            return new UpstreamResponse(response.code(), fields, bytes);
        }
    }
}
