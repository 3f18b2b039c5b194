package io.httppool.agent.instrumentation.apache5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The keying rules of the managed pools, exercised on the real HttpClient 5 builder (no instrumentation).
 * The pools are per class loader statics, so the test that exhausts the setup bound runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Apache5PoolsTest {

    private static PoolingHttpClientConnectionManager shared(PoolingHttpClientConnectionManagerBuilder builder) {
        PoolingHttpClientConnectionManager manager = Apache5Pools.sharedManagerFor(builder);
        assertNotNull(manager);
        return manager;
    }

    @Test
    void defaultBuildersShareOneManagerSizedByTheAgent() {
        PoolingHttpClientConnectionManager one = shared(PoolingHttpClientConnectionManagerBuilder.create());
        PoolingHttpClientConnectionManager two = shared(PoolingHttpClientConnectionManagerBuilder.create());
        assertSame(one, two);
        // The agent's gate applies HTTP_MAX_CONNECTIONS (and overflow); the library's pool behind it has no limit.
        io.httppool.agent.pool.ManagedPool pool = io.httppool.agent.pool.PoolRegistry.all().stream()
                .filter(p -> p.name().equals("apache5/default")).findFirst().orElseThrow();
        assertEquals(100, pool.stats().max());
        assertEquals(Apache5PoolFactory.UNBOUNDED, one.getMaxTotal());
        assertEquals(Apache5PoolFactory.UNBOUNDED, one.getDefaultMaxPerRoute());
        assertTrue(Apache5Pools.ignoresClose(one));
        assertSame(one, Apache5Pools.defaultManager());
    }

    @Test
    void systemPropertiesMakeADifferentSetup() {
        assertNotSame(shared(PoolingHttpClientConnectionManagerBuilder.create()),
                shared(PoolingHttpClientConnectionManagerBuilder.create().useSystemProperties()));
    }

    @Test
    void equalConfigsBuiltPerRequestShareAndKeepTheApplicationsLimits() {
        PoolingHttpClientConnectionManager one = shared(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(7).setMaxConnPerRoute(3)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(4)).build()));
        PoolingHttpClientConnectionManager two = shared(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(7).setMaxConnPerRoute(3)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(4)).build()));
        assertSame(one, two);
        assertEquals(7, one.getMaxTotal());
        assertEquals(3, one.getDefaultMaxPerRoute());
        PoolingHttpClientConnectionManager other = shared(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(7).setMaxConnPerRoute(3)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(5)).build()));
        assertNotSame(one, other);
    }

    @Test
    void trustAllNeverSharesWithVerifyingSetups() throws Exception {
        SSLContext trustAll = SSLContexts.custom().loadTrustMaterial((chain, auth) -> true).build();
        PoolingHttpClientConnectionManager insecure = shared(PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(trustAll, NoopHostnameVerifier.INSTANCE)));
        PoolingHttpClientConnectionManager verifying = shared(PoolingHttpClientConnectionManagerBuilder.create());
        PoolingHttpClientConnectionManager sameContextVerifying = shared(PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(trustAll)));
        assertNotSame(insecure, verifying);
        assertNotSame(insecure, sameContextVerifying, "same SSLContext, different hostname verification");
        PoolingHttpClientConnectionManager insecureAgain = shared(PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(trustAll, NoopHostnameVerifier.INSTANCE)));
        assertSame(insecure, insecureAgain, "the same SSLContext and verifier per request still share");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aNewSslContextPerRequestIsBoundedNotPooledForever() throws Exception {
        // Earlier tests of this class loader took some of the custom setups already.
        int room = Apache5Pools.MAX_SETUPS - Apache5Pools.customSetups();
        assertTrue(room > 0 && room < Apache5Pools.MAX_SETUPS, "custom setups taken before: " + Apache5Pools.customSetups());
        java.util.Set<PoolingHttpClientConnectionManager> managed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < room + 5; i++) {
            SSLContext fresh = SSLContexts.custom().build();
            PoolingHttpClientConnectionManager manager = Apache5Pools.sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create()
                    .setTlsSocketStrategy(ClientTlsStrategyBuilder.create().setSslContext(fresh).buildClassic()));
            if (i < room) {
                assertNotNull(manager, "distinct setup " + (i + 1) + " of the first " + Apache5Pools.MAX_SETUPS + " is pooled");
                assertTrue(Apache5Pools.ignoresClose(manager), "a managed manager");
                assertTrue(managed.add(manager), "a manager of its own for every distinct setup");
            } else {
                assertEquals(null, manager, "setup " + (Apache5Pools.MAX_SETUPS + i - room + 1) + " is beyond the bound: the library builds its own");
            }
        }
        assertEquals(room, managed.size());
        assertEquals(Apache5Pools.MAX_SETUPS, Apache5Pools.customSetups());
        assertNotNull(Apache5Pools.sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create()),
                "the default setup is not a custom one and still pools");
    }

    @Test
    void clientsWithoutConnectionStateGetAPrivateManager() throws Exception {
        PoolingHttpClientConnectionManager shared = shared(PoolingHttpClientConnectionManagerBuilder.create());
        org.apache.hc.client5.http.impl.classic.HttpClientBuilder stateless =
                org.apache.hc.client5.http.impl.classic.HttpClientBuilder.create().disableConnectionState().setConnectionManager(shared);
        Apache5Pools.clientBuildStarting(stateless);
        try {
            assertEquals(null, Apache5Pools.sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create()),
                    "no shared manager while a stateless client is built");
            java.lang.reflect.Field field = org.apache.hc.client5.http.impl.classic.HttpClientBuilder.class.getDeclaredField("connManager");
            field.setAccessible(true);
            Object replaced = field.get(stateless);
            assertNotSame(shared, replaced);
            assertFalse(Apache5Pools.ignoresClose((PoolingHttpClientConnectionManager) replaced), "the private manager is the client's own");
        } finally {
            Apache5Pools.clientBuildEnded();
        }
        assertSame(shared, Apache5Pools.sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create()));
        Apache5Pools.clientBuildStarting(org.apache.hc.client5.http.impl.classic.HttpClientBuilder.create());
        try {
            assertSame(shared, Apache5Pools.sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create()),
                    "a client with connection state shares");
        } finally {
            Apache5Pools.clientBuildEnded();
        }
    }

    @Test
    void aManagerReconfiguredAfterBuildLeavesSharingAndItsSetupIsNoLongerPooled() {
        PoolingHttpClientConnectionManagerBuilder setup = PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(33);
        PoolingHttpClientConnectionManager shared = shared(setup);
        Apache5Pools.setupChanging(shared, "setDefaultSocketConfig");
        assertFalse(Apache5Pools.ignoresClose(shared), "now the application's own manager");
        assertEquals(null, Apache5Pools.sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(33)));
        assertNotNull(Apache5Pools.sharedManagerFor(PoolingHttpClientConnectionManagerBuilder.create()), "other setups still pool");
    }

    @Test
    void proxiedRoutesNeverShareConnections() {
        PoolingHttpClientConnectionManager shared = shared(PoolingHttpClientConnectionManagerBuilder.create());
        org.apache.hc.client5.http.HttpRoute direct = new org.apache.hc.client5.http.HttpRoute(new org.apache.hc.core5.http.HttpHost("https", "example.org", 443));
        org.apache.hc.client5.http.HttpRoute proxied = new org.apache.hc.client5.http.HttpRoute(new org.apache.hc.core5.http.HttpHost("https", "example.org", 443),
                new org.apache.hc.core5.http.HttpHost("http", "proxy.example.org", 3128));
        assertEquals(null, Apache5Pools.leaseState(shared, direct, null));
        Object first = Apache5Pools.leaseState(shared, proxied, null);
        Object second = Apache5Pools.leaseState(shared, proxied, null);
        assertNotNull(first);
        assertNotSame(first, second, "each proxied lease gets a state of its own");
    }

    @Test
    void unmanagedManagersCloseAsUsual() {
        PoolingHttpClientConnectionManager own = new PoolingHttpClientConnectionManager();
        assertFalse(Apache5Pools.ignoresClose(own));
        own.close();
        assertTrue(own.isClosed());
    }
}
