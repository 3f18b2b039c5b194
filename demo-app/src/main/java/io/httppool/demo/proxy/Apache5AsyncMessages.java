package io.httppool.demo.proxy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/** {@link ProxiedRequest} to and from Apache HttpClient 5 async messages, and one exchange waited for. */
final class Apache5AsyncMessages {

    private Apache5AsyncMessages() {
    }

    static SimpleHttpRequest request(ProxiedRequest proxied) {
        SimpleHttpRequest request = SimpleHttpRequest.create(proxied.method(), proxied.uri());
        for (HeaderField header : proxied.headers()) {
            request.addHeader(header.name(), header.value());
        }
        if (proxied.hasBody()) {
            // The copied Content-Type header is the one sent, so the body carries none of its own.
            request.setBody(proxied.body(), null);
        }
        return request;
    }

    /** {@code execute(request, null).get()}: the blocking use of the async client that such code makes. */
    static UpstreamResponse exchange(CloseableHttpAsyncClient client, ProxiedRequest proxied) throws IOException {
        SimpleHttpResponse response;
        try {
            response = client.execute(request(proxied), null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upstream answer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("upstream request failed: " + cause, cause);
        }
        byte[] body = response.getBodyBytes();
        return new UpstreamResponse(response.getCode(), Apache5Messages.headers(response.getHeaders()),
                body == null ? new byte[0] : body);
    }
}
