package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The renewal rules of a shared real client (JDK client, async HttpClient 5), and how failures are told apart. */
class RenewableClientTest {

    private final ManualClock clock = new ManualClock();
    private final PoolCounters counters = new PoolCounters();
    private final AtomicInteger built = new AtomicInteger();
    private final List<String> retired = new ArrayList<>();

    private RenewableClient<String> renewable(ConnectionLifetime lifetime, HostAddresses hosts, int open) {
        return new RenewableClient<>("test/pool", counters, () -> "client-" + built.incrementAndGet(), retired::add,
                lifetime, hosts, clock, () -> open);
    }

    @Test
    void aClientPastItsLifetimeIsRenewedAndItsConnectionsCounted() {
        RenewableClient<String> real = renewable(new ConnectionLifetime(10_000), HostAddresses.jvm(), 3);
        assertEquals("client-1", real.client());
        clock.advanceMillis(8_000);
        real.housekeep();
        assertEquals("client-1", real.client(), "not yet: the spread brings the deadline at most a tenth earlier");
        clock.advanceMillis(2_000);
        real.housekeep();
        assertEquals("client-2", real.client());
        assertEquals(List.of("client-1"), retired, "the old client is handed over to finish what it has in flight");
        assertEquals(3, counters.lifetimeExpired(), "each open connection of the old client");
        assertEquals(0, counters.recreations(), "routine upkeep is no recreation");
    }

    @Test
    void aWatchedNameThatMovedRenewsTheClientOnce() throws Exception {
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2");
        Map<String, InetAddress[]> dns = new HashMap<>();
        dns.put("svc", new InetAddress[] {one});
        HostAddresses hosts = new HostAddresses(host -> dns.get(host), clock, 30_000, 1_000);
        RenewableClient<String> real = renewable(ConnectionLifetime.NONE, hosts, 2);
        real.watch("svc");
        real.watch(null);
        hosts.refresh();
        clock.advanceMillis(1_000);
        real.housekeep();
        assertEquals("client-1", real.client(), "unchanged name");

        dns.put("svc", new InetAddress[] {two});
        hosts.refresh();
        clock.advanceMillis(1);
        real.housekeep();
        assertEquals("client-2", real.client());
        assertEquals(2, counters.dnsRetired());
        real.housekeep();
        assertEquals("client-2", real.client(), "the new client was built after the move: kept");
    }

    @Test
    void aRecreationIsCounted() {
        RenewableClient<String> real = renewable(ConnectionLifetime.NONE, HostAddresses.jvm(), 0);
        real.renew("test", true);
        assertEquals("client-2", real.client());
        assertEquals(1, counters.recreations());
        assertEquals(List.of("client-1"), retired);
    }

    @Test
    void failuresAreToldApartByTheirExceptionThroughWrappers() {
        assertEquals(PoolCounters.ErrorKind.CONNECT, PoolCounters.ErrorKind.ofFailure(new ExecutionException(new ConnectException("refused"))));
        assertEquals(PoolCounters.ErrorKind.TLS, PoolCounters.ErrorKind.ofFailure(new ExecutionException(new SSLHandshakeException("bad"))));
        assertEquals(PoolCounters.ErrorKind.IO, PoolCounters.ErrorKind.ofFailure(new IOException("reset")));
        assertEquals(PoolCounters.ErrorKind.POOL_TIMEOUT, PoolCounters.ErrorKind.ofFailure(new ConnectionRequestTimeoutException()));
        assertEquals(PoolCounters.ErrorKind.CONNECT, PoolCounters.ErrorKind.ofFailure(new ConnectTimeoutException()));
        assertEquals(PoolCounters.ErrorKind.FATAL, PoolCounters.ErrorKind.ofFailure(new OutOfMemoryError("test")));
        assertNull(PoolCounters.ErrorKind.ofFailure(new CancellationException()));
        assertNull(PoolCounters.ErrorKind.ofFailure(new IllegalStateException("the application's own")));
    }

    /** Named like HttpClient's: the core matches them by name. */
    private static final class ConnectionRequestTimeoutException extends IOException {
    }

    private static final class ConnectTimeoutException extends java.io.InterruptedIOException {
    }
}
