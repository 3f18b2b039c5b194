package io.httppool.demo.backend;

import com.sun.net.httpserver.HttpServer;
import io.httppool.demo.common.Counters;
import io.httppool.demo.common.HttpServers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The upstream session backend: the same resource over HTTP and HTTPS, and an admin port that
 * publishes the {@link BackendCounters}.
 *
 * <p>The admin endpoint has a port of its own so that reading the counters does not change them.
 */
public final class SessionBackend implements AutoCloseable {

    private final BackendCounters counters = new BackendCounters();
    private final ExecutorService workers;
    private final ConnectionListener http;
    private final ConnectionListener https;
    private final HttpServer admin;

    private SessionBackend(SSLContext tls, int httpPort, int httpsPort, int adminPort) throws IOException {
        AtomicInteger threadNumber = new AtomicInteger();
        // Thread per connection, threads reused: per-request clients open and close connections
        // at thousands per second, and a cached pool keeps that from becoming thread creation.
        workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "backend-conn-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Http1Connection connection = new Http1Connection(counters, new SessionResource());
        http = listen(new ServerSocket(), httpPort, false, connection);
        https = tls == null ? null : listen(tls.getServerSocketFactory().createServerSocket(), httpsPort, true, connection);
        admin = HttpServers.loopback(adminPort);
        admin.createContext("/counters", exchange -> {
            byte[] body = Counters.format(counters.snapshot()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        admin.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backend-admin");
            t.setDaemon(true);
            return t;
        }));
        admin.start();
    }

    /**
     * Starts listening on loopback. Port 0 picks a free port.
     *
     * @param tls the server context for HTTPS, or {@code null} for HTTP only
     */
    public static SessionBackend start(SSLContext tls, int httpPort, int httpsPort, int adminPort) throws IOException {
        return new SessionBackend(tls, httpPort, httpsPort, adminPort);
    }

    private ConnectionListener listen(ServerSocket socket, int port, boolean tls, Http1Connection connection) throws IOException {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        ConnectionListener listener = new ConnectionListener(socket, tls, counters, connection, workers);
        Thread acceptor = new Thread(listener, tls ? "backend-accept-https" : "backend-accept-http");
        acceptor.setDaemon(true);
        acceptor.start();
        return listener;
    }

    public int httpPort() {
        return http.port();
    }

    /** -1 when started without TLS. */
    public int httpsPort() {
        return https == null ? -1 : https.port();
    }

    public int adminPort() {
        return admin.getAddress().getPort();
    }

    public BackendCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        http.close();
        if (https != null) {
            https.close();
        }
        admin.stop(0);
        workers.shutdownNow();
    }
}
