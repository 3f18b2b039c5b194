package io.httppool.it.harness;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A plain HTTP/1.1 upstream (optionally TLS) on 127.0.0.1 with a thread per connection, that tells the
 * client which server-side connection served each request. Everything is counted on the server side.
 *
 * <pre>
 * GET /id       200 "conn=&lt;n&gt; port=&lt;client port&gt;": n numbers the connections this server accepted (1, 2...)
 * GET /slow/N   200 "conn=&lt;n&gt; slept N" after N ms
 * GET /reset    no answer: the connection is reset (RST, SO_LINGER 0), a connection-level I/O failure
 * anything else 200 "ok"
 * </pre>
 * Keep-alive as HTTP/1.1 has it; no request bodies are expected (a Content-Length body is skipped).
 * With TLS, the handshake happens before the first request: a client that rejects the certificate is
 * counted in {@link #handshakeFailures()} and never reaches {@link #requests()}.
 */
public final class ConnectionIdServer implements AutoCloseable {

    private static final InetAddress LOOPBACK = loopback();

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final ServerSocket server;
    private final boolean tls;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger handshakeFailures = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    /** Numbers the connections in the order they were accepted (never reset: a number names one connection). */
    private final AtomicInteger numbers = new AtomicInteger();
    private volatile boolean closed;

    private ConnectionIdServer(SSLContext tlsContext) throws IOException {
        if (tlsContext != null) {
            SSLServerSocket s = (SSLServerSocket) tlsContext.getServerSocketFactory().createServerSocket(0, 1024, LOOPBACK);
            s.setNeedClientAuth(false);
            server = s;
        } else {
            server = new ServerSocket(0, 1024, LOOPBACK);
        }
        tls = tlsContext != null;
        Thread acceptor = new Thread(this::acceptLoop, "conn-id-server-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Plain HTTP. */
    public static ConnectionIdServer start() {
        return start(null);
    }

    /** HTTPS with the key and certificate of {@code tlsContext}'s key managers; plain HTTP for null. */
    public static ConnectionIdServer start(SSLContext tlsContext) {
        try {
            return new ConnectionIdServer(tlsContext);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String base() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted since the last {@link #reset()}. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return connections.size();
    }

    /** Most connections open at once since the last {@link #reset()}. */
    public int maxOpen() {
        return maxOpen.get();
    }

    /** Requests answered (or reset on purpose) since the last {@link #reset()}. */
    public int requests() {
        return requests.get();
    }

    /** TLS handshakes that failed (the client rejected the certificate, say) since the last {@link #reset()}. */
    public int handshakeFailures() {
        return handshakeFailures.get();
    }

    /** Connections reset on purpose ({@code /reset}) since the last {@link #reset()}. */
    public int resets() {
        return resets.get();
    }

    /** Zeroes the counters (open connections stay open and keep their numbers). */
    public synchronized void reset() {
        accepted.set(0);
        requests.set(0);
        handshakeFailures.set(0);
        resets.set(0);
        maxOpen.set(connections.size());
    }

    /** Waits up to {@code millis} until at most {@code max} connections are open; true if so. */
    public boolean awaitOpenAtMost(int max, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (open() > max && System.nanoTime() < deadline) {
            sleep(10);
        }
        return open() <= max;
    }

    /** Waits up to {@code millis} until at least {@code min} connections are open; true if so. */
    public boolean awaitOpenAtLeast(int min, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (open() < min && System.nanoTime() < deadline) {
            sleep(10);
        }
        return open() >= min;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                accepted.incrementAndGet();
                connections.add(socket);
                maxOpen.accumulateAndGet(connections.size(), Math::max);
                int number = numbers.incrementAndGet();
                Thread handler = new Thread(() -> serve(socket, number), "conn-id-server-conn-" + number);
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                if (!closed) {
                    sleep(10);
                }
            }
        }
    }

    private void serve(Socket socket, int number) {
        try (socket) {
            if (socket instanceof SSLSocket) {
                try {
                    socket.setSoTimeout(30_000);
                    ((SSLSocket) socket).startHandshake();
                    socket.setSoTimeout(0);
                } catch (IOException handshake) {
                    handshakeFailures.incrementAndGet();
                    return;
                }
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String[] head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] parts = head[0].split(" ");
                String path = parts.length > 1 ? parts[1] : "/";
                int query = path.indexOf('?');
                if (query >= 0) {
                    path = path.substring(0, query);
                }
                long bodyLength = head[1] == null ? 0 : Long.parseLong(head[1]);
                for (long skipped = 0; skipped < bodyLength; skipped++) {
                    if (in.read() < 0) {
                        return;
                    }
                }
                String body;
                if (path.equals("/reset")) {
                    requests.incrementAndGet();
                    resets.incrementAndGet();
                    socket.setSoLinger(true, 0);
                    return; // closing with SO_LINGER 0 sends a RST
                } else if (path.equals("/id")) {
                    body = "conn=" + number + " port=" + socket.getPort();
                } else if (path.startsWith("/slow/")) {
                    long millis = Long.parseLong(path.substring("/slow/".length()));
                    Thread.sleep(millis);
                    body = "conn=" + number + " slept " + millis;
                } else {
                    body = "ok";
                }
                byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
                requests.incrementAndGet();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away
        } finally {
            connections.remove(socket);
        }
    }

    /** {request line, Content-Length or null}; null at the end of the stream. */
    private static String[] readHead(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        String first = null;
        String contentLength = null;
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String text = line.toString().trim();
                if (first == null) {
                    if (text.isEmpty()) {
                        continue; // a stray CRLF between requests
                    }
                    first = text;
                } else if (text.isEmpty()) {
                    return new String[] {first, contentLength};
                } else if (text.regionMatches(true, 0, "Content-Length:", 0, "Content-Length:".length())) {
                    contentLength = text.substring("Content-Length:".length()).trim();
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
