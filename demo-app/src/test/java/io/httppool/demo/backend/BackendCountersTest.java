package io.httppool.demo.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.demo.common.Counters;
import io.httppool.demo.testing.Eventually;
import io.httppool.demo.testing.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The backend's counters are the demo's evidence: they must count exactly what happened on the wire. */
class BackendCountersTest {

    private static SessionBackend backend;

    @BeforeAll
    static void start() throws Exception {
        backend = SessionBackend.start(TestTls.certificate().serverContext(), 0, 0, 0);
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void countsOneConnectionPerTcpConnect() throws Exception {
        long connections = backend.counters().httpConnections();
        long requests = backend.counters().requests();
        for (int i = 0; i < 3; i++) {
            try (Socket socket = connect(backend.httpPort())) {
                assertEquals(200, exchange(socket, "GET /sessions/s" + i + "/state HTTP/1.1", true));
            }
        }
        assertEquals(connections + 3, Eventually.awaitValue(() -> backend.counters().httpConnections(), connections + 3));
        assertEquals(requests + 3, Eventually.awaitValue(() -> backend.counters().requests(), requests + 3));
    }

    @Test
    void keepAliveRequestsShareOneConnection() throws Exception {
        long connections = backend.counters().httpConnections();
        long requests = backend.counters().requests();
        try (Socket socket = connect(backend.httpPort())) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, exchange(socket, "GET /sessions/k/state HTTP/1.1", false));
            }
        }
        assertEquals(connections + 1, backend.counters().httpConnections());
        assertEquals(requests + 5, Eventually.awaitValue(() -> backend.counters().requests(), requests + 5));
    }

    @Test
    void countsCompletedHandshakesOnlyOnTheHttpsPort() throws Exception {
        long https = backend.counters().httpsConnections();
        long handshakes = backend.counters().tlsHandshakes();
        long http = backend.counters().httpConnections();
        long requests = backend.counters().requests();
        for (int i = 0; i < 2; i++) {
            try (SSLSocket socket = (SSLSocket) TestTls.clientContext().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), backend.httpsPort())) {
                socket.startHandshake();
                // two requests on the connection: still one handshake
                assertEquals(200, exchange(socket, "GET /sessions/t/state HTTP/1.1", false));
                assertEquals(200, exchange(socket, "GET /sessions/t/state HTTP/1.1", false));
            }
        }
        assertEquals(https + 2, backend.counters().httpsConnections());
        assertEquals(handshakes + 2, Eventually.awaitValue(() -> backend.counters().tlsHandshakes(), handshakes + 2));
        assertEquals(http, backend.counters().httpConnections(), "HTTPS connections must not count as HTTP");
        // Also ends only once its own requests are counted: a late count landed in the next test's window (CI, once).
        assertEquals(requests + 4, Eventually.awaitValue(() -> backend.counters().requests(), requests + 4));
    }

    @Test
    void aConnectionWithoutHandshakeIsAConnectionButNoHandshake() throws Exception {
        long https = backend.counters().httpsConnections();
        long handshakes = backend.counters().tlsHandshakes();
        long failures = backend.counters().tlsHandshakeFailures();
        try (Socket plain = connect(backend.httpsPort())) {
            // plain HTTP to the TLS port: the handshake fails on the server side
            OutputStream out = plain.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            plain.getInputStream().read(new byte[64]);
        } catch (IOException expected) {
            // the server may reset the connection
        }
        assertEquals(https + 1, Eventually.awaitValue(() -> backend.counters().httpsConnections(), https + 1));
        assertEquals(failures + 1, Eventually.awaitValue(() -> backend.counters().tlsHandshakeFailures(), failures + 1));
        assertEquals(handshakes, backend.counters().tlsHandshakes());
    }

    @Test
    void adminEndpointPublishesTheCountersAndDoesNotCountItself() throws Exception {
        long connections = backend.counters().httpConnections();
        Map<String, Long> published = Counters.fetch("http://127.0.0.1:" + backend.adminPort() + "/counters");
        assertEquals(connections, published.get("http_connections"));
        assertTrue(published.keySet().containsAll(
                java.util.List.of("http_connections", "https_connections", "tls_handshakes", "requests")));
        assertEquals(connections, backend.counters().httpConnections());
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** Sends one request and reads the response; returns its status. */
    private static int exchange(Socket socket, String requestLine, boolean close) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((requestLine + "\r\nHost: 127.0.0.1\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Read exactly the head and the Content-Length body, not to end of stream: the connection stays open.
        InputStream in = socket.getInputStream();
        String status = readLine(in);
        int length = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        assertEquals(length, in.readNBytes(length).length);
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("connection closed mid-response");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
