package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.pool.CurrentRequest;
import java.io.IOException;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.config.Configurable;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.cookie.CookieStore;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;

/**
 * The client {@code HttpClients.createDefault()} returns under the agent (see {@link Apache5DefaultClients}).
 * What a default client keeps of its own, it keeps here: its cookie store and credentials provider (put in
 * each request's context where the application's context has none, as the library's client does), and its
 * closed state. Its requests are recorded as its own, so {@code close()} closes the connections still under
 * its unclosed responses and nobody else's, as closing a default client (and its own pool) does without the
 * agent. After {@code close()} it fails requests as a closed default client does.
 */
final class Apache5DefaultClient extends CloseableHttpClient implements Configurable {

    private final CloseableHttpClient madeWith;
    private final Apache5ManagedPool pool;
    private final CookieStore cookieStore = new BasicCookieStore();
    private final CredentialsProvider credentialsProvider = new BasicCredentialsProvider();
    private volatile boolean closed;

    Apache5DefaultClient(CloseableHttpClient real, Apache5ManagedPool pool) {
        this.madeWith = real;
        this.pool = pool;
    }

    @Override
    @SuppressWarnings("deprecation") // execute(HttpHost, ClassicHttpRequest, HttpContext): the one call every 5.x has
    protected CloseableHttpResponse doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context) throws IOException {
        if (closed) {
            // What the library's pool says to a request of a client whose close() closed it.
            throw new IllegalStateException("Connection pool shut down");
        }
        HttpClientContext local = context instanceof HttpClientContext ? (HttpClientContext) context
                : context != null ? new HttpClientContext(context) : HttpClientContext.create();
        if (local.getCookieStore() == null) {
            local.setCookieStore(cookieStore);
        }
        if (local.getCredentialsProvider() == null) {
            local.setCredentialsProvider(credentialsProvider);
        }
        CloseableHttpClient real = Apache5DefaultClients.realClient(madeWith);
        boolean recorded = delegating(real, request);
        try {
            return real.execute(target, request, local);
        } finally {
            if (recorded) {
                ended();
            }
        }
    }

    @Override
    public RequestConfig getConfig() {
        return madeWith instanceof Configurable ? ((Configurable) madeWith).getConfig() : null;
    }

    @Override
    public void close() {
        close(CloseMode.GRACEFUL);
    }

    @Override
    public void close(CloseMode closeMode) {
        closed = true;
        try {
            FaultPoint.reached("defaultClientClosed");
            pool.clientClosed(this);
        } catch (Throwable error) {
            AgentErrors.record("default client close", error);
        }
    }

    private boolean delegating(CloseableHttpClient real, ClassicHttpRequest request) {
        try {
            FaultPoint.reached("defaultClientDelegating");
            CurrentRequest.clientDelegating(this, real, Apache5Hooks.nonIdempotent(request));
            return true;
        } catch (Throwable error) {
            AgentErrors.record("default client request start", error);
            return false;
        }
    }

    private static void ended() {
        try {
            CurrentRequest.ended();
        } catch (Throwable error) {
            AgentErrors.record("default client request end", error);
        }
    }
}
