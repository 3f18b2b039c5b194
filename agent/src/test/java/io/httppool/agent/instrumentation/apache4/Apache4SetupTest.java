package io.httppool.agent.instrumentation.apache4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.pool.SetupFingerprint;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.impl.client.BasicCookieStore;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.message.BasicHeader;
import org.apache.http.ssl.SSLContexts;
import org.junit.jupiter.api.Test;

/** Which HttpClient 4 builders share a pool: every connection-level field, nothing client-level. */
class Apache4SetupTest {

    private static SetupFingerprint of(HttpClientBuilder builder) throws IllegalAccessException {
        return Apache4Setup.of(builder).fingerprint();
    }

    @Test
    void everyConnectionFieldTheLibraryReadsIsKnown() {
        assertTrue(Apache4Setup.readable(), "HttpClientBuilder has every field of " + Apache4Setup.CONNECTION_FIELDS);
    }

    @Test
    void clientLevelOptionsDoNotSeparateSetups() throws Exception {
        SetupFingerprint plain = of(HttpClientBuilder.create());
        SetupFingerprint clientLevel = of(HttpClientBuilder.create().setDefaultCookieStore(new BasicCookieStore())
                .setUserAgent("app/1").setDefaultHeaders(List.of(new BasicHeader("X-A", "1"))).disableRedirectHandling()
                .addInterceptorFirst((org.apache.http.HttpRequestInterceptor) (request, context) -> { }));
        assertEquals(plain, clientLevel);
        assertEquals("default", Apache4Setup.of(HttpClientBuilder.create().setUserAgent("app/1")).kind());
    }

    @Test
    void tlsMaterialSeparatesSetupsByIdentity() throws Exception {
        SSLContext one = SSLContexts.createDefault();
        SSLContext other = SSLContexts.createDefault();
        assertEquals(of(HttpClientBuilder.create().setSSLContext(one)), of(HttpClientBuilder.create().setSSLContext(one)),
                "the same SSLContext instance: one setup");
        assertNotEquals(of(HttpClientBuilder.create().setSSLContext(one)), of(HttpClientBuilder.create().setSSLContext(other)),
                "two SSLContext instances cannot be proven equivalent");
        assertNotEquals(of(HttpClientBuilder.create()), of(HttpClientBuilder.create().setSSLContext(one)));
        assertNotEquals(of(HttpClientBuilder.create()), of(HttpClientBuilder.create().setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE)),
                "a client that checks no host name never shares with one that does");
        assertEquals("custom", Apache4Setup.of(HttpClientBuilder.create().setSSLContext(one)).kind());
    }

    @Test
    void configsCompareByValueAndLimitsAndLifetimeCount() throws Exception {
        SocketConfig a = SocketConfig.custom().setSoTimeout(1234).build();
        SocketConfig b = SocketConfig.custom().setSoTimeout(1234).build();
        assertEquals(of(HttpClientBuilder.create().setDefaultSocketConfig(a)), of(HttpClientBuilder.create().setDefaultSocketConfig(b)));
        assertNotEquals(of(HttpClientBuilder.create().setDefaultSocketConfig(a)),
                of(HttpClientBuilder.create().setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(99).build())));
        assertNotEquals(of(HttpClientBuilder.create()), of(HttpClientBuilder.create().setMaxConnTotal(7)));
        Apache4Setup ttl = Apache4Setup.of(HttpClientBuilder.create().setConnectionTimeToLive(5, TimeUnit.SECONDS));
        assertTrue(ttl.timeToLiveSet());
        assertFalse(Apache4Setup.defaults().timeToLiveSet());
        assertEquals(7, Apache4Setup.of(HttpClientBuilder.create().setMaxConnTotal(7)).maxTotal());
    }

    @Test
    void systemPropertiesAreTheirOwnSetupAndReadAtBuildTime() throws Exception {
        HttpClientBuilder system = HttpClientBuilder.create().useSystemProperties();
        assertEquals("system", Apache4Setup.of(system).kind());
        assertNotEquals(of(HttpClientBuilder.create()), of(system));
        String before = System.getProperty("http.maxConnections");
        SetupFingerprint first = of(system);
        System.setProperty("http.maxConnections", "77");
        try {
            assertNotEquals(first, of(system), "another http.maxConnections, another pool");
            assertEquals(of(HttpClientBuilder.create()), of(HttpClientBuilder.create()), "without useSystemProperties() it does not matter");
        } finally {
            if (before == null) {
                System.clearProperty("http.maxConnections");
            } else {
                System.setProperty("http.maxConnections", before);
            }
        }
    }

    @Test
    void aRequestWithABodyOrAnUnretriedMethodIsValidatedFirst() {
        assertTrue(Apache4Hooks.notRetried(new org.apache.http.client.methods.HttpPost("http://h/")));
        assertTrue(Apache4Hooks.notRetried(new org.apache.http.client.methods.HttpPut("http://h/")), "HttpClient 4 never resends a body");
        assertTrue(Apache4Hooks.notRetried(new org.apache.http.client.methods.HttpPatch("http://h/")));
        assertFalse(Apache4Hooks.notRetried(new org.apache.http.client.methods.HttpGet("http://h/")));
        assertFalse(Apache4Hooks.notRetried(new org.apache.http.client.methods.HttpDelete("http://h/")));
        assertTrue(Apache4Hooks.notRetried(new org.apache.http.message.BasicHttpRequest("LOCK", "/")));
    }
}
