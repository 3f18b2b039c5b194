package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.pool.CurrentRequest;
import java.io.IOException;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.config.Configurable;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.cookie.CookieStore;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Args;

/**
 * The client {@code HttpClients.createDefault()} returns under the agent (see {@link Apache5DefaultClients}).
 * What a default client keeps of its own, it keeps here: its cookie store and credentials provider (put in
 * each request's context where the application's context has none, as the library's client does), and its
 * closed state. Its requests are recorded as its own, so {@code close()} closes the connections still under
 * its unclosed responses and nobody else's, as closing a default client (and its own pool) does without the
 * agent. After {@code close()} it fails requests as a closed default client does.
 *
 * <p>When there is no shared real client to run on (sharing ended in this loader, or recording the request
 * as this client's failed), it runs on a default client of its own, built as the library builds one, around
 * this client's cookie store and credentials provider, and closed with it.
 */
final class Apache5DefaultClient extends CloseableHttpClient implements Configurable {

    private final CookieStore cookieStore = new BasicCookieStore();
    private final CredentialsProvider credentialsProvider = new BasicCredentialsProvider();
    /** The pools this client's requests ran on (one, unless the default pool was replaced meanwhile). */
    private final CopyOnWriteArraySet<Apache5ManagedPool> pools = new CopyOnWriteArraySet<>();
    private volatile CloseableHttpClient own;
    private volatile boolean closed;

    @Override
    @SuppressWarnings("deprecation") // execute(HttpHost, ClassicHttpRequest, HttpContext): the one call every 5.x has
    protected CloseableHttpResponse doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context) throws IOException {
        Args.notNull(request, "HTTP request");
        if (closed) {
            // What the library's pool says to a request of a client whose close() closed it.
            throw new IllegalStateException("Connection pool shut down");
        }
        Apache5DefaultClients.Shared shared = Apache5DefaultClients.currentOrNull();
        if (shared == null) {
            return ownClient().execute(target, request, context);
        }
        HttpContext local = withOwnState(context);
        if (!delegating(shared, request)) {
            return ownClient().execute(target, request, context); // not recorded as this client's: not on the shared one
        }
        try {
            return shared.client().execute(target, request, local);
        } finally {
            ended();
        }
    }

    /**
     * The context the shared client runs the request in: the application's own (null: a new one), with this
     * client's cookie store and credentials provider where it has none. A context that is not an
     * HttpClientContext gets them as attributes and is passed on as it is, so the shared client adapts it as the
     * library's client would (5.4+ wraps it in a view of its attributes).
     */
    @SuppressWarnings("deprecation") // the attribute names: every 5.x reads them
    private HttpContext withOwnState(HttpContext context) {
        if (context == null) {
            HttpClientContext fresh = HttpClientContext.create();
            fresh.setCookieStore(cookieStore);
            fresh.setCredentialsProvider(credentialsProvider);
            return fresh;
        }
        if (context instanceof HttpClientContext) {
            HttpClientContext client = (HttpClientContext) context;
            if (client.getCookieStore() == null) {
                client.setCookieStore(cookieStore);
            }
            if (client.getCredentialsProvider() == null) {
                client.setCredentialsProvider(credentialsProvider);
            }
            return client;
        }
        if (context.getAttribute(HttpClientContext.COOKIE_STORE) == null) {
            context.setAttribute(HttpClientContext.COOKIE_STORE, cookieStore);
        }
        if (context.getAttribute(HttpClientContext.CREDS_PROVIDER) == null) {
            context.setAttribute(HttpClientContext.CREDS_PROVIDER, credentialsProvider);
        }
        return context;
    }

    /** The library's default client around this client's cookie store and credentials provider, built once. */
    private CloseableHttpClient ownClient() {
        CloseableHttpClient mine = own;
        if (mine == null) {
            synchronized (this) {
                mine = own;
                if (mine == null) {
                    mine = HttpClientBuilder.create()
                            .setDefaultCookieStore(cookieStore)
                            .setDefaultCredentialsProvider(credentialsProvider)
                            .build();
                    own = mine;
                }
            }
        }
        return mine;
    }

    @Override
    public RequestConfig getConfig() {
        Apache5DefaultClients.Shared shared = Apache5DefaultClients.currentOrNull();
        CloseableHttpClient real = shared != null ? shared.client() : ownClient();
        return real instanceof Configurable ? ((Configurable) real).getConfig() : null;
    }

    @Override
    public void close() throws IOException {
        close(CloseMode.GRACEFUL);
    }

    @Override
    public void close(CloseMode closeMode) {
        closed = true;
        try {
            FaultPoint.reached("defaultClientClosed");
            for (Apache5ManagedPool pool : pools) {
                pool.clientClosed(this);
            }
        } catch (Throwable error) {
            AgentErrors.record("default client close", error);
        }
        CloseableHttpClient mine = own;
        if (mine != null) {
            mine.close(closeMode); // the library's own client: it closes what it holds, as without the agent
        }
    }

    private boolean delegating(Apache5DefaultClients.Shared shared, ClassicHttpRequest request) {
        try {
            FaultPoint.reached("defaultClientDelegating");
            pools.add(shared.pool());
            CurrentRequest.clientDelegating(this, shared.client(), Apache5Hooks.nonIdempotent(request));
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
