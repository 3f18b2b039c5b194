package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.config.AgentConfig;
import java.util.function.Function;
import org.apache.hc.client5.http.auth.AuthSchemeFactory;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.cookie.CookieSpecFactory;
import org.apache.hc.client5.http.cookie.CookieStore;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.auth.SystemDefaultCredentialsProvider;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.config.Lookup;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * What one application client keeps to itself while its requests run on a shared client: what
 * {@code build()} would have given it (the builder's cookie store, credentials provider, default request
 * config and registries, or a fresh cookie store and credentials provider as the library makes them), handed
 * over in each request's context. The library's {@code doExecute} fills a context's empty slots from its
 * own client, so a slot already filled, by the application or here, is what the request uses: exactly what
 * the application's own client would have put there.
 */
final class Apache5AsyncClientState {

    /** HttpClient 5.2 and 5.3 keep the request config in an attribute and answer DEFAULT when it is unset. */
    private static final boolean CONFIG_AS_ATTRIBUTE = HttpClientContext.create().getRequestConfig() != null;
    private static final String REQUEST_CONFIG_ATTRIBUTE = "http.request-config";

    private final CookieStore cookieStore;
    private final CredentialsProvider credentialsProvider;
    private final RequestConfig requestConfig;
    private final Lookup<CookieSpecFactory> cookieSpecRegistry;
    private final Lookup<AuthSchemeFactory> authSchemeRegistry;
    private final Object ownConnections;
    private final Object applicationManager;
    private final boolean ownsManager;
    private final Apache5AsyncManagers.Recipe managerRecipe;

    /**
     * The user token of a client whose requests may go through a proxy: its connections are leased and
     * released under it, so a tunnel it authenticated never serves another client (the library's own token
     * handler leaves such tunnels without one). Equal only to itself.
     */
    static final class OwnConnections {
        @Override
        public String toString() {
            return "connections of one application client";
        }
    }

    @SuppressWarnings("unchecked")
    private Apache5AsyncClientState(Apache5AsyncSetup setup, AgentConfig config) {
        Object cookies = setup.value("cookieStore");
        Object credentials = setup.value("credentialsProvider");
        this.cookieStore = cookies != null ? (CookieStore) cookies : new BasicCookieStore();
        this.credentialsProvider = credentials != null ? (CredentialsProvider) credentials
                : setup.systemProperties() ? new SystemDefaultCredentialsProvider() : new BasicCredentialsProvider();
        this.requestConfig = withPoolTimeout((RequestConfig) setup.value("defaultRequestConfig"), setup, config);
        this.cookieSpecRegistry = (Lookup<CookieSpecFactory>) setup.value("cookieSpecRegistry");
        this.authSchemeRegistry = (Lookup<AuthSchemeFactory>) setup.value("authSchemeRegistry");
        this.ownConnections = setup.mayUseProxies() ? new OwnConnections() : null;
        this.applicationManager = setup.value("connManager");
        this.ownsManager = !Boolean.TRUE.equals(setup.value("connManagerShared"));
        this.managerRecipe = setup.manager();
    }

    static Apache5AsyncClientState of(Apache5AsyncSetup setup, AgentConfig config) {
        return new Apache5AsyncClientState(setup, config);
    }

    /**
     * With HTTP_POOL_ON_EXHAUSTED=wait and the agent's limits, a request waits HTTP_POOL_TIMEOUT for a
     * connection instead of the library's 3-minute default; a timeout the application chose stands.
     */
    private static RequestConfig withPoolTimeout(RequestConfig configured, Apache5AsyncSetup setup, AgentConfig config) {
        boolean agentLimits = setup.protocol() == Apache5AsyncSetup.Protocol.HTTP && "wait".equals(config.onExhausted())
                && Apache5AsyncManagers.agentLimits(setup.manager());
        RequestConfig base = configured != null ? configured : RequestConfig.DEFAULT;
        if (!agentLimits || base.getConnectionRequestTimeout() == null
                || base.getConnectionRequestTimeout().toMilliseconds() != RequestConfig.DEFAULT.getConnectionRequestTimeout().toMilliseconds()) {
            return configured;
        }
        return RequestConfig.copy(base)
                .setConnectionRequestTimeout(org.apache.hc.core5.util.Timeout.ofMilliseconds(config.poolTimeout().toMillis()))
                .build();
    }

    /**
     * The context a request runs with: the application's (adapted as the library adapts it), its empty
     * slots filled with this client's state, as the application's own client would fill them.
     */
    HttpClientContext prepare(HttpContext context, Function<HttpContext, HttpClientContext> adaptor) {
        HttpClientContext prepared = adaptor.apply(context);
        if (prepared.getCookieStore() == null) {
            prepared.setCookieStore(cookieStore);
        }
        if (prepared.getCredentialsProvider() == null) {
            prepared.setCredentialsProvider(credentialsProvider);
        }
        if (requestConfig != null && requestConfigUnset(prepared)) {
            prepared.setRequestConfig(requestConfig);
        }
        if (cookieSpecRegistry != null && prepared.getCookieSpecRegistry() == null) {
            prepared.setCookieSpecRegistry(cookieSpecRegistry);
        }
        if (authSchemeRegistry != null && prepared.getAuthSchemeRegistry() == null) {
            prepared.setAuthSchemeRegistry(authSchemeRegistry);
        }
        if (ownConnections != null && prepared.getUserToken() == null) {
            prepared.setUserToken(ownConnections);
        }
        return prepared;
    }

    private static boolean requestConfigUnset(HttpClientContext context) {
        return CONFIG_AS_ATTRIBUTE ? context.getAttribute(REQUEST_CONFIG_ATTRIBUTE) == null : context.getRequestConfig() == null;
    }

    CookieStore cookieStore() {
        return cookieStore;
    }

    CredentialsProvider credentialsProvider() {
        return credentialsProvider;
    }

    /** The token this client's connections are kept under, or null when they are shared. */
    Object ownConnections() {
        return ownConnections;
    }

    /**
     * Closing the client closes the manager the application gave its builder (unused under the agent, but
     * the application may look at it, or give it to another client, which then fails as it would have).
     */
    void closeApplicationManager(org.apache.hc.core5.io.CloseMode mode) {
        if (ownsManager && applicationManager instanceof org.apache.hc.core5.io.ModalCloseable) {
            ((org.apache.hc.core5.io.ModalCloseable) applicationManager).close(mode);
        }
    }

    /** Whether closing the client closes its connection manager ({@code setConnectionManagerShared(true)} not set). */
    boolean ownsManager() {
        return ownsManager;
    }

    /** The application reconfigured the manager it gave this client's builder: the client leaves sharing. */
    boolean managerReconfigured() {
        return managerRecipe != null && managerRecipe.reconfigured();
    }
}
