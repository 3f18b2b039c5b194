package io.httppool.agent.instrumentation.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.Address;
import okhttp3.Authenticator;
import okhttp3.ConnectionSpec;
import okhttp3.Dns;
import okhttp3.Protocol;
import okhttp3.Route;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.RealConnection;
import okhttp3.internal.connection.RealConnectionPool;
import org.junit.jupiter.api.Test;

/** The fields the upkeep reads reflectively, on a real connection of the OkHttp version on the test class path. */
class OkHttpInternalsTest {

    @Test
    void anIdleConnectionReadsAsRetiredOnceRetired() throws Exception {
        RealConnectionPool pool = new RealConnectionPool(TaskRunner.INSTANCE, 5, 1, TimeUnit.MINUTES);
        Address address = new Address("example.test", 80, Dns.SYSTEM, SocketFactory.getDefault(), null, null, null,
                Authenticator.NONE, null, List.of(Protocol.HTTP_1_1), List.of(ConnectionSpec.CLEARTEXT), ProxySelector.getDefault());
        Route route = new Route(address, Proxy.NO_PROXY, InetSocketAddress.createUnresolved("example.test", 80));
        Socket socket = new Socket();
        RealConnection connection = RealConnection.Companion.newTestConnection(pool, route, socket, 42L);

        assertEquals(42L, OkHttpInternals.idleSinceNanos(connection));
        assertFalse(OkHttpInternals.retired(connection));
        OkHttpInternals.retire(connection);
        assertTrue(OkHttpInternals.retired(connection), "noNewExchanges read");
        assertTrue(socket.isClosed(), "an idle connection retired is closed at once");
    }
}
