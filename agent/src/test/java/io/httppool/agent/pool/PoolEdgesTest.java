package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.testing.FakePool;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The edges of the pool rules: exact boundaries, bounds on memory, and the limits on pooled setups. */
class PoolEdgesTest {

    private final ManualClock clock = new ManualClock();

    // ---- FailureBursts ------------------------------------------------------------------------------

    @Test
    void aFailureExactlyOneSecondAfterTheFirstStillCompletesTheBurst() {
        FailureBursts<String> bursts = new FailureBursts<>(clock);
        assertFalse(bursts.failed("a"));
        clock.advanceMillis(500);
        assertFalse(bursts.failed("a"));
        clock.advanceMillis(500);
        assertTrue(bursts.failed("a"), "the window is one second, both ends included");
    }

    @Test
    void failuresWithoutARouteNeverMakeABurst() {
        FailureBursts<String> bursts = new FailureBursts<>(clock);
        for (int i = 0; i < 5; i++) {
            assertFalse(bursts.failed(null));
        }
    }

    @Test
    void theRoutesRememberedAreBoundedAndForgottenTogetherPast1024() {
        FailureBursts<String> bursts = new FailureBursts<>(clock);
        bursts.failed("x");
        bursts.failed("x");
        for (int i = 0; i < 1_023; i++) {
            bursts.failed("other-" + i); // 1,024 routes now: still within the bound
        }
        assertTrue(bursts.failed("x"), "x's two failures were kept");

        FailureBursts<String> full = new FailureBursts<>(clock);
        full.failed("x");
        full.failed("x");
        for (int i = 0; i < 1_024; i++) {
            full.failed("other-" + i); // 1,025 routes: the next failure forgets them all
        }
        assertFalse(full.failed("x"), "x's earlier failures were forgotten with the rest");
    }

    // ---- ConnectionLifetime -------------------------------------------------------------------------

    @Test
    void aLifetimeExpiresExactlyAtItsSpreadDeadlineCountedFromCreation() {
        ConnectionLifetime lifetime = new ConnectionLifetime(100_000);
        Object connection = new Object();
        long spread = 100_000 / 10 * (System.identityHashCode(connection) % 1_000) / 1_000;
        long created = 1_700_000_000_000L; // a real wall-clock time
        long deadline = created + 100_000 - spread;
        assertFalse(lifetime.expired(created, deadline - 1, connection));
        assertTrue(lifetime.expired(created, deadline, connection), "expired at the deadline itself");
        assertFalse(lifetime.expired(created, created + 1_000, connection), "young: the age is now minus creation");
        assertTrue(lifetime.bounded());
        assertEquals(100_000, lifetime.millis());
        assertFalse(new ConnectionLifetime(0).bounded(), "0 = no limit");
        assertFalse(new ConnectionLifetime(0).expired(0, Long.MAX_VALUE, connection));
        assertTrue(new ConnectionLifetime(1).bounded());
        assertEquals(0, ConnectionLifetime.NONE.millis());
    }

    // ---- HostAddresses ------------------------------------------------------------------------------

    @Test
    void aCacheTimeOfZeroStillWatchesNames() throws Exception {
        InetAddress one = InetAddress.getByName("127.0.0.1");
        HostAddresses hosts = new HostAddresses(host -> new InetAddress[] {one}, clock, 0, 1_000);
        assertTrue(hosts.enabled());
        hosts.watch("svc");
        hosts.refresh();
        assertFalse(hosts.stillCurrent("svc", InetAddress.getByName("127.0.0.2")), "resolved and watched");
        assertTrue(hosts.stillCurrent("svc", one));
        assertTrue(hosts.stillCurrent(null, one));
        assertTrue(hosts.stillCurrent("svc", null));
    }

    @Test
    void atMost256NamesAreWatched() {
        Set<String> asked = ConcurrentHashMap.newKeySet();
        HostAddresses hosts = new HostAddresses(host -> {
            asked.add(host);
            return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        }, clock, 30_000, 1_000);
        for (int i = 0; i < 300; i++) {
            hosts.watch("host-" + i);
        }
        hosts.watch(null);
        hosts.refresh();
        assertEquals(HostAddresses.MAX_HOSTS, asked.size());
    }

    @Test
    void aLibrarysOwnResolverIsWatchedAtTheJvmsCacheTime() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        InetAddress one = InetAddress.getByName("127.0.0.1");
        HostAddresses hosts = HostAddresses.using(host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {one};
        });
        assertNotNull(hosts);
        assertTrue(hosts.enabled());
        hosts.watch("own-dns-name");
        hosts.refresh();
        assertEquals(1, lookups.get(), "asked through the library's resolver");
        assertFalse(hosts.stillCurrent("own-dns-name", InetAddress.getByName("127.0.0.3")));
        hosts.refresh();
        assertEquals(1, lookups.get(), "not again within the cache time");
    }

    @Test
    void emptyAndNumericNamesAreLiterals() {
        assertTrue(HostAddresses.isLiteral(""));
        assertTrue(HostAddresses.isLiteral("10.0.0.0"));
        assertTrue(HostAddresses.isLiteral("9.9.9.9"));
        assertFalse(HostAddresses.isLiteral("9.9.9.x"));
        assertFalse(HostAddresses.isLiteral("a"));
        assertFalse(HostAddresses.isLiteral("/"), "'/' sorts just before '0'");
        assertFalse(HostAddresses.isLiteral(";"), "';' sorts just after '9'... and ':' is IPv6");
    }

    @Test
    void theJvmCacheTimeComesFromTheSecurityPropertyInSeconds() {
        String before = Security.getProperty("networkaddress.cache.ttl");
        try {
            Security.setProperty("networkaddress.cache.ttl", "7");
            assertEquals(7_000, HostAddresses.jvmCacheMillis());
            Security.setProperty("networkaddress.cache.ttl", "0");
            assertEquals(0, HostAddresses.jvmCacheMillis());
            Security.setProperty("networkaddress.cache.ttl", "-1");
            assertEquals(-1, HostAddresses.jvmCacheMillis(), "forever");
            Security.setProperty("networkaddress.cache.ttl", "-5");
            assertEquals(-1, HostAddresses.jvmCacheMillis());
            Security.setProperty("networkaddress.cache.ttl", " 12 ");
            assertEquals(12_000, HostAddresses.jvmCacheMillis());
            Security.setProperty("networkaddress.cache.ttl", "soon");
            assertEquals(30_000, HostAddresses.jvmCacheMillis(), "ignored as the JVM ignores it: its default");
        } finally {
            Security.setProperty("networkaddress.cache.ttl", before != null ? before : "30");
        }
    }

    // ---- SetupRegistry and fingerprints -------------------------------------------------------------

    @Test
    void atMost16CustomSetupsGetAPoolWhileDefaultOnesAlwaysDo() {
        SetupRegistry<FakePool> registry = new SetupRegistry<>("fake", "Fake HTTP", ClassLoader.getSystemClassLoader());
        List<FakePool> created = new ArrayList<>();
        for (int i = 0; i < SetupRegistry.MAX_CUSTOM_SETUPS; i++) {
            FakePool pool = registry.getOrCreate(SetupFingerprint.ofParts("test", i), "custom", FakePool::new);
            assertNotNull(pool, "custom setup " + (i + 1));
            assertEquals("fake/custom-" + (i + 1), pool.name());
            created.add(pool);
        }
        assertEquals(SetupRegistry.MAX_CUSTOM_SETUPS, registry.customSetups());
        assertNull(registry.getOrCreate(SetupFingerprint.ofParts("test", 99), "custom", FakePool::new), "the 17th is not pooled");
        assertSame(created.get(3), registry.getOrCreate(SetupFingerprint.ofParts("test", 3), "custom", FakePool::new),
                "a known setup keeps its pool past the bound");
        FakePool defaults = registry.getOrCreate(SetupFingerprint.ofParts("test", "default"), "default", FakePool::new);
        assertEquals("fake/default", defaults.name(), "the default setup is not a custom one");
        assertEquals(17, registry.pools().size());
        assertTrue(PoolRegistry.all().contains(defaults));
        for (FakePool pool : registry.pools()) {
            PoolRegistry.unregister(pool);
        }
    }

    @Test
    void aSetupThatLeftSharingIsNeverPooledAgain() {
        SetupRegistry<FakePool> registry = new SetupRegistry<>("fake", "Fake HTTP", null);
        SetupFingerprint setup = SetupFingerprint.ofParts("test", "reconfigured");
        FakePool pool = registry.getOrCreate(setup, "custom", FakePool::new);
        FakePool other = registry.getOrCreate(SetupFingerprint.ofParts("test", "other"), "custom", FakePool::new);
        assertSame(pool, registry.get(setup));
        registry.leaveSharing(pool);
        assertNull(registry.get(setup));
        assertNull(registry.getOrCreate(setup, "custom", FakePool::new));
        assertEquals(List.of(other), registry.pools());
        assertFalse(PoolRegistry.all().contains(pool), "gone from the reports");
        assertTrue(PoolRegistry.all().contains(other));
        PoolRegistry.unregister(other);
    }

    @Test
    void poolsOfAnotherClassLoaderSayWhichLoader() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[0], null)) {
            SetupRegistry<FakePool> registry = new SetupRegistry<>("fake", "Fake HTTP", loader);
            FakePool pool = registry.getOrCreate(SetupFingerprint.ofParts("test", 1), "default", FakePool::new);
            assertEquals("fake/default@URLClassLoader-" + Integer.toHexString(System.identityHashCode(loader)), pool.name());
            PoolRegistry.unregister(pool);
        }
    }

    @Test
    void fingerprintsOfPartsCompareByKindAndValueAndTellIdentityParts() {
        Object sslContextLike = new Object();
        SetupFingerprint a = SetupFingerprint.ofParts("lib", "host", 443, sslContextLike);
        assertEquals(a, SetupFingerprint.ofParts("lib", "host", 443, sslContextLike));
        assertEquals(a.hashCode(), SetupFingerprint.ofParts("lib", "host", 443, sslContextLike).hashCode());
        assertNotEquals(a, SetupFingerprint.ofParts("other-lib", "host", 443, sslContextLike), "the kind is part of it");
        assertNotEquals(a, SetupFingerprint.ofParts("lib", "host", 443, new Object()), "JDK objects by identity");
        assertNotEquals(a, SetupFingerprint.ofParts("lib", "host", 444, sslContextLike));
        assertNotEquals(a, "not a fingerprint");
        assertTrue(a.hasIdentityParts());
        assertFalse(SetupFingerprint.ofParts("lib", "host", 443, null).hasIdentityParts());
        assertEquals(SetupFingerprint.ofParts("lib", (Object) null), SetupFingerprint.ofParts("lib", (Object) null));
        assertTrue(a.toString().contains("host") && a.toString().contains("443"), a.toString());
        assertEquals(SetupFingerprint.ofParts("lib", (Object) new int[] {1, 2}), SetupFingerprint.ofParts("lib", (Object) new int[] {1, 2}),
                "arrays by their elements");
        assertNotEquals(SetupFingerprint.ofParts("lib", (Object) new int[] {1, 2}), SetupFingerprint.ofParts("lib", (Object) new int[] {1, 3}));
    }
}
