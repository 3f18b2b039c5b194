package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The clock-driven rules of the library-independent core, with times passed in. */
class CoreRulesTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void aBurstIsThreeFailuresOfOneRouteWithinASecondAndIsReportedOnce() {
        FailureBursts<String> bursts = new FailureBursts<>(clock);
        assertFalse(bursts.failed("a"));
        clock.advanceMillis(400);
        assertFalse(bursts.failed("a"));
        assertFalse(bursts.failed("b"), "another route counts apart");
        clock.advanceMillis(400);
        assertTrue(bursts.failed("a"), "third failure of a within 1 s");
        assertFalse(bursts.failed("a"), "reported once per burst");
        clock.advanceMillis(1_100);
        assertFalse(bursts.failed("a"), "a new window starts");
        assertFalse(bursts.failed("a"));
        assertTrue(bursts.failed("a"));
    }

    @Test
    void failuresSpreadOverMoreThanASecondAreNoBurst() {
        FailureBursts<String> bursts = new FailureBursts<>(clock);
        for (int i = 0; i < 10; i++) {
            assertFalse(bursts.failed("a"), "failure " + i);
            if (i % 2 == 1) {
                clock.advanceMillis(1_001);
            }
        }
    }

    @Test
    void recreationsAreSpacedByTheGuard() {
        RecreationGuard guard = new RecreationGuard(clock, 10_000);
        assertTrue(guard.tryAcquire());
        clock.advanceMillis(9_999);
        assertFalse(guard.tryAcquire());
        clock.advanceMillis(1);
        assertTrue(guard.tryAcquire());
        assertFalse(guard.tryAcquire());
    }

    @Test
    void aConnectionExpiresAtItsLifetimeAtMostATenthEarlier() {
        ConnectionLifetime lifetime = new ConnectionLifetime(100_000);
        Object connection = new Object();
        assertFalse(lifetime.expired(0, 89_999, connection), "never before 90% of the lifetime");
        assertTrue(lifetime.expired(0, 100_000, connection), "always at the lifetime");
        int early = 0;
        for (int i = 0; i < 200; i++) {
            if (lifetime.expired(0, 95_000, new Object())) {
                early++;
            }
        }
        assertTrue(early > 20 && early < 180, "deadlines are spread between 90% and 100%: " + early + " of 200 at 95%");
        assertFalse(ConnectionLifetime.NONE.expired(0, Long.MAX_VALUE, connection));
    }

    @Test
    void aMovedNameIsNoticedOnlyAfterARealLookupAndOnlyWhenItsAddressesChange() throws Exception {
        Map<String, InetAddress[]> dns = new HashMap<>();
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2");
        dns.put("svc", new InetAddress[] {one});
        HostAddresses hosts = new HostAddresses(host -> dns.get(host), clock, 30_000, 1_000);

        hosts.watch("svc");
        hosts.watch("10.0.0.1"); // a literal: not watched
        assertTrue(hosts.stillCurrent("svc", two), "not resolved yet: no guess");
        assertEquals(List.of(), hosts.refresh());
        assertTrue(hosts.stillCurrent("svc", one));
        assertFalse(hosts.stillCurrent("svc", two));

        dns.put("svc", new InetAddress[] {two});
        assertEquals(List.of(), hosts.refresh(), "not due again within the refresh period");
        clock.advanceMillis(1_000);
        assertEquals(List.of("svc"), hosts.refresh());
        assertFalse(hosts.stillCurrent("svc", one));
        assertTrue(hosts.stillCurrent("svc", two));

        dns.put("svc", new InetAddress[] {two, one});
        clock.advanceMillis(1_000);
        assertEquals(List.of("svc"), hosts.refresh(), "a name with an added address changed too");
        assertTrue(hosts.stillCurrent("svc", one) && hosts.stillCurrent("svc", two));

        dns.put("svc", new InetAddress[] {one, two});
        clock.advanceMillis(1_000);
        assertEquals(List.of(), hosts.refresh(), "the same addresses in another order: no change");

        dns.remove("svc");
        clock.advanceMillis(1_000);
        assertEquals(List.of(), hosts.refresh(), "a failed lookup is no evidence of a move");
        assertTrue(hosts.stillCurrent("svc", one));
    }

    @Test
    void withACacheTimeOfForeverNothingIsWatched() throws Exception {
        HostAddresses hosts = new HostAddresses(host -> new InetAddress[] {InetAddress.getByName("127.0.0.9")}, clock, -1, 1_000);
        hosts.watch("svc");
        hosts.refresh();
        assertTrue(hosts.stillCurrent("svc", InetAddress.getByName("127.0.0.1")));
        assertFalse(hosts.enabled());
    }

    @Test
    void ipLiteralsAreRecognised() {
        assertTrue(HostAddresses.isLiteral("127.0.0.1"));
        assertTrue(HostAddresses.isLiteral("::1"));
        assertTrue(HostAddresses.isLiteral("[::1]"));
        assertFalse(HostAddresses.isLiteral("localhost"));
        assertFalse(HostAddresses.isLiteral("a1.example"));
    }
}
