package io.httppool.agent.instrumentation.apache5async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.cookie.BasicCookieStore;
import org.apache.hc.client5.http.impl.async.H2AsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

/**
 * Which async builders share a real client: read on the real HttpClient 5 builders (no instrumentation;
 * managers are remembered by calling the hook the agent weaves into their builder).
 */
class Apache5AsyncSetupTest {

    private static Apache5AsyncSetup http(HttpAsyncClientBuilder builder) throws Exception {
        return Apache5AsyncSetup.read(builder, Apache5AsyncSetup.Protocol.HTTP);
    }

    private static Apache5AsyncSetup pooled(HttpAsyncClientBuilder builder) throws Exception {
        Apache5AsyncSetup setup = http(builder);
        assertNull(setup.leftAloneReason(), "pooled");
        return setup;
    }

    /** A manager as the application builds it under the agent: remembered with its builder's setup. */
    private static PoolingAsyncClientConnectionManager manager(PoolingAsyncClientConnectionManagerBuilder builder) {
        return Apache5AsyncHooks.managerBuilt(builder.build(), builder);
    }

    private static TlsStrategy trustAll(SSLContext context) {
        return ClientTlsStrategyBuilder.create().setSslContext(context).setHostnameVerifier(NoopHostnameVerifier.INSTANCE).buildAsync();
    }

    @Test
    void defaultBuildersShareAndTheClientsOwnStateIsNoPartOfTheSetup() throws Exception {
        Apache5AsyncSetup plain = pooled(HttpAsyncClientBuilder.create());
        Apache5AsyncSetup own = pooled(HttpAsyncClientBuilder.create()
                .setDefaultCookieStore(new BasicCookieStore())
                .setDefaultCredentialsProvider(new BasicCredentialsProvider())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(3)).build()));
        assertEquals(plain.fingerprint(), own.fingerprint());
        assertEquals("default", plain.kind());
        assertEquals("default", own.kind());
        assertFalse(plain.mayUseProxies());
    }

    @Test
    void systemPropertiesAndHttp2AreSetupsOfTheirOwn() throws Exception {
        Apache5AsyncSetup plain = pooled(HttpAsyncClientBuilder.create());
        Apache5AsyncSetup system = pooled(HttpAsyncClientBuilder.create().useSystemProperties());
        Apache5AsyncSetup h2 = Apache5AsyncSetup.read(H2AsyncClientBuilder.create(), Apache5AsyncSetup.Protocol.H2);
        Apache5AsyncSetup h2system = Apache5AsyncSetup.read(H2AsyncClientBuilder.create().useSystemProperties(),
                Apache5AsyncSetup.Protocol.H2);
        assertEquals("system", system.kind());
        assertEquals("h2", h2.kind());
        assertEquals("h2-system", h2system.kind());
        assertNotEquals(plain.fingerprint(), system.fingerprint());
        assertNotEquals(plain.fingerprint(), h2.fingerprint());
        assertNotEquals(h2.fingerprint(), h2system.fingerprint());
    }

    @Test
    void aTrustAllManagerNeverSharesWithADefaultOneButPerRequestStrategiesOverOneContextDo() throws Exception {
        SSLContext lenient = SSLContexts.custom().loadTrustMaterial((chain, type) -> true).build();
        Apache5AsyncSetup one = pooled(HttpAsyncClientBuilder.create().setConnectionManager(
                manager(PoolingAsyncClientConnectionManagerBuilder.create().setTlsStrategy(trustAll(lenient)))));
        Apache5AsyncSetup two = pooled(HttpAsyncClientBuilder.create().setConnectionManager(
                manager(PoolingAsyncClientConnectionManagerBuilder.create().setTlsStrategy(trustAll(lenient)))));
        Apache5AsyncSetup verifying = pooled(HttpAsyncClientBuilder.create().setConnectionManager(
                manager(PoolingAsyncClientConnectionManagerBuilder.create())));
        Apache5AsyncSetup otherContext = pooled(HttpAsyncClientBuilder.create().setConnectionManager(
                manager(PoolingAsyncClientConnectionManagerBuilder.create().setTlsStrategy(
                        trustAll(SSLContexts.custom().loadTrustMaterial((chain, type) -> true).build())))));
        assertEquals(one.fingerprint(), two.fingerprint(), "a strategy per request around one SSLContext");
        assertNotEquals(one.fingerprint(), verifying.fingerprint(), "trust-all never lends to a verifying client");
        assertNotEquals(one.fingerprint(), pooled(HttpAsyncClientBuilder.create()).fingerprint());
        assertNotEquals(one.fingerprint(), otherContext.fingerprint(), "another SSLContext: by identity");
        assertEquals("custom", one.kind());
    }

    @Test
    void equalLimitsShareAndDifferentOnesDoNot() throws Exception {
        Apache5AsyncSetup ten = pooled(HttpAsyncClientBuilder.create().setConnectionManager(
                manager(PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(10))));
        Apache5AsyncSetup alsoTen = pooled(HttpAsyncClientBuilder.create().setConnectionManager(
                manager(PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(10))));
        Apache5AsyncSetup eleven = pooled(HttpAsyncClientBuilder.create().setConnectionManager(
                manager(PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(11))));
        assertEquals(ten.fingerprint(), alsoTen.fingerprint());
        assertNotEquals(ten.fingerprint(), eleven.fingerprint());
        assertFalse(Apache5AsyncManagers.agentLimits(ten.manager()), "the application's limits stand");
        assertTrue(Apache5AsyncManagers.agentLimits(null));
    }

    @Test
    void clientsWhoseConnectionsTheAgentCannotKeepApartAreLeftAlone() throws Exception {
        assertNotNull(http(HttpAsyncClientBuilder.create().disableConnectionState()).leftAloneReason());
        assertNotNull(http(HttpAsyncClientBuilder.create().setUserTokenHandler((route, context) -> null)).leftAloneReason());
        assertNotNull(http(new HttpAsyncClientBuilder() { }).leftAloneReason(), "a builder subclass");
        assertNotNull(http(HttpAsyncClientBuilder.create().setConnectionManager(new PoolingAsyncClientConnectionManager()))
                .leftAloneReason(), "a manager made with new: its setup is unknown");
        assertNotNull(Apache5AsyncSetup.read(H2AsyncClientBuilder.create().setRoutePlanner(new DefaultRoutePlanner(null)),
                Apache5AsyncSetup.Protocol.H2).leftAloneReason());
    }

    @Test
    void aManagerReconfiguredAfterBuildIsTheApplicationsOwnAgain() throws Exception {
        PoolingAsyncClientConnectionManager manager = manager(PoolingAsyncClientConnectionManagerBuilder.create());
        Apache5AsyncSetup before = pooled(HttpAsyncClientBuilder.create().setConnectionManager(manager));
        Apache5AsyncHooks.managerReconfigured(manager, "setMaxTotal");
        assertNotNull(http(HttpAsyncClientBuilder.create().setConnectionManager(manager)).leftAloneReason());
        assertTrue(Apache5AsyncClientState.of(before, io.httppool.agent.config.AgentConfig.current()).managerReconfigured(),
                "a client built before leaves sharing");
    }

    @Test
    void interceptorsAndHeadersCompareByWhatTheyDo() throws Exception {
        assertEquals(pooled(withHeaderInterceptor("a")).fingerprint(), pooled(withHeaderInterceptor("a")).fingerprint());
        assertNotEquals(pooled(withHeaderInterceptor("a")).fingerprint(), pooled(withHeaderInterceptor("b")).fingerprint());
        assertEquals(pooled(HttpAsyncClientBuilder.create().setDefaultHeaders(java.util.List.of(
                        new org.apache.hc.core5.http.message.BasicHeader("X-A", "1")))).fingerprint(),
                pooled(HttpAsyncClientBuilder.create().setDefaultHeaders(java.util.List.of(
                        new org.apache.hc.core5.http.message.BasicHeader("X-A", "1")))).fingerprint());
        assertEquals("custom", pooled(withHeaderInterceptor("a")).kind());
    }

    private static HttpAsyncClientBuilder withHeaderInterceptor(String value) {
        return HttpAsyncClientBuilder.create().addRequestInterceptorFirst((request, entity, context) -> request.addHeader("X-Test", value));
    }

    @Test
    void aClientThatMayUseAProxyKeepsItsConnectionsToItself() throws Exception {
        Apache5AsyncSetup proxied = pooled(HttpAsyncClientBuilder.create().setProxy(new HttpHost("proxy.test", 3128)));
        assertTrue(proxied.mayUseProxies());
        Apache5AsyncClientState a = Apache5AsyncClientState.of(proxied, io.httppool.agent.config.AgentConfig.current());
        Apache5AsyncClientState b = Apache5AsyncClientState.of(proxied, io.httppool.agent.config.AgentConfig.current());
        assertNotNull(a.ownConnections());
        assertNotEquals(a.ownConnections(), b.ownConnections());
        assertNull(Apache5AsyncClientState.of(pooled(HttpAsyncClientBuilder.create()), io.httppool.agent.config.AgentConfig.current())
                .ownConnections(), "direct connections are shared");
    }
}
