package io.httppool.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP forward proxy on 127.0.0.1, counting on its side what clients do through it.
 * <ul>
 *   <li>{@code CONNECT host:port}: connects to {@code host:port}, answers {@code 200 Connection established}
 *       and pipes bytes both ways until either side closes (a tunnel, e.g. for HTTPS);</li>
 *   <li>a request with an absolute URI ({@code GET http://host:port/path}): connects to {@code host:port},
 *       sends the request on as it came, and from then on pipes the client connection to that upstream
 *       connection both ways (later requests on the same client connection go there too, as keep-alive
 *       through a proxy does).</li>
 * </ul>
 * Optionally it requires Basic proxy credentials: a CONNECT or request without the right
 * {@code Proxy-Authorization} gets {@code 407} (with {@code Proxy-Authenticate: Basic}, a short body, the
 * connection kept open for the client's next try). Once a tunnel or a forwarded connection is set up, what
 * travels through it is not looked at any more: whoever holds that connection is "authenticated", which is
 * why a client's tunnel must never serve another client.
 */
public final class TunnelProxy implements AutoCloseable {

    private static final InetAddress LOOPBACK = loopback();

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final ServerSocket server;
    private final String requiredAuthorization;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private TunnelProxy(String user, String password) throws IOException {
        server = new ServerSocket(0, 512, LOOPBACK);
        requiredAuthorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Thread acceptor = new Thread(this::acceptLoop, "tunnel-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy that lets everyone through. */
    public static TunnelProxy start() {
        return start(null, null);
    }

    /** A proxy that requires these Basic credentials (none for a null user). */
    public static TunnelProxy start(String user, String password) {
        try {
            return new TunnelProxy(user, password);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Client connections accepted since the last {@link #reset()}. */
    public int accepted() {
        return accepted.get();
    }

    /** Client connections open now. */
    public int open() {
        return open.get();
    }

    /** CONNECT tunnels established (answered 200) since the last {@link #reset()}. */
    public int tunnels() {
        return tunnels.get();
    }

    /** Client connections whose absolute-URI requests were forwarded (plain HTTP) since the last {@link #reset()}. */
    public int forwarded() {
        return forwarded.get();
    }

    /** Requests answered 407 (no or wrong credentials) since the last {@link #reset()}. */
    public int refused() {
        return refused.get();
    }

    /** What the proxy did, one line per event, since the last {@link #reset()}. */
    public List<String> log() {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    /** Waits up to {@code millis} for connections of an earlier run to close, then zeroes the counters. */
    public void reset() {
        long deadline = System.currentTimeMillis() + 5_000;
        while (open.get() > 0 && System.currentTimeMillis() < deadline) {
            sleep(10);
        }
        accepted.set(0);
        tunnels.set(0);
        forwarded.set(0);
        refused.set(0);
        log.clear();
    }

    public String describe() {
        return "proxy :" + port() + ": accepted=" + accepted() + " open=" + open() + " tunnels=" + tunnels()
                + " forwarded=" + forwarded() + " refused(407)=" + refused() + "\n  " + String.join("\n  ", log());
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                int number = accepted.incrementAndGet();
                open.incrementAndGet();
                clients.add(client);
                sockets.add(client);
                Thread t = new Thread(() -> serve(client, number), "tunnel-proxy-conn-" + number);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    sleep(10);
                }
            }
        }
    }

    private void serve(Socket client, int number) {
        Socket upstream = null;
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                Head head = Head.read(in);
                if (head == null) {
                    return;
                }
                String[] requestLine = head.requestLine.split(" ");
                if (requestLine.length < 3) {
                    return;
                }
                String method = requestLine[0];
                String target = requestLine[1];
                if (requiredAuthorization != null && !requiredAuthorization.equals(head.header("Proxy-Authorization"))) {
                    refused.incrementAndGet();
                    log.add("conn " + number + ": 407 for " + method + " " + target);
                    skipBody(in, head);
                    byte[] body = "proxy authentication required".getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"it-proxy\"\r\n"
                            + "Content-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    continue;
                }
                if ("CONNECT".equals(method)) {
                    int colon = target.lastIndexOf(':');
                    upstream = connect(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    tunnels.incrementAndGet();
                    log.add("conn " + number + ": tunnel to " + target);
                } else {
                    URI uri = URI.create(target);
                    if (uri.getHost() == null) {
                        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return;
                    }
                    upstream = connect(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80);
                    upstream.getOutputStream().write(head.raw);
                    upstream.getOutputStream().flush();
                    forwarded.incrementAndGet();
                    log.add("conn " + number + ": forwarding " + method + " " + target);
                }
                Socket up = upstream;
                Thread back = new Thread(() -> pump(up, client), "tunnel-proxy-back-" + number);
                back.setDaemon(true);
                back.start();
                pump(client, upstream);
                return;
            }
        } catch (IOException | RuntimeException e) {
            // a side went away
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
            sockets.remove(client);
            if (upstream != null) {
                sockets.remove(upstream);
            }
            if (clients.remove(client)) {
                open.decrementAndGet();
            }
        }
    }

    private Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(host, port), 5_000);
        sockets.add(s);
        return s;
    }

    private static void skipBody(InputStream in, Head head) throws IOException {
        String length = head.header("Content-Length");
        long n = length == null ? 0 : Long.parseLong(length.trim());
        for (long i = 0; i < n; i++) {
            if (in.read() < 0) {
                return;
            }
        }
    }

    /** Copies until either side ends, then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // a side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
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
            // closing
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    /** A request head read byte by byte (nothing after it is consumed, so a tunnel starts clean). */
    private static final class Head {
        final String requestLine;
        final List<String> headers;
        final byte[] raw;

        private Head(String requestLine, List<String> headers, byte[] raw) {
            this.requestLine = requestLine;
            this.headers = headers;
            this.raw = raw;
        }

        String header(String name) {
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return h.substring(colon + 1).trim();
                }
            }
            return null;
        }

        static Head read(InputStream in) throws IOException {
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            StringBuilder line = new StringBuilder();
            String first = null;
            List<String> headers = new ArrayList<>();
            int c;
            while ((c = in.read()) != -1) {
                raw.write(c);
                if (c == '\n') {
                    String text = line.toString().trim();
                    line.setLength(0);
                    if (first == null) {
                        if (text.isEmpty()) {
                            raw.reset();
                            continue;
                        }
                        first = text;
                    } else if (text.isEmpty()) {
                        return new Head(first, headers, raw.toByteArray());
                    } else {
                        headers.add(text);
                    }
                } else {
                    line.append((char) c);
                }
            }
            return null;
        }
    }
}
