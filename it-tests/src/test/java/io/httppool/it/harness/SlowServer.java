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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP/1.1 upstream with a thread per connection, for tests that need many slow requests at once
 * (WireMock serves a bounded number at a time). {@code GET /slow/N} answers {@code slept N} after N ms;
 * anything else answers {@code ok} at once. Keep-alive as HTTP/1.1 has it. Counts, on the server side,
 * connections accepted, open now and most open at once.
 */
public final class SlowServer implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final java.util.List<Long> servedAt = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private volatile boolean closed;

    public SlowServer(InetAddress bind) throws IOException {
        this(bind, 0);
    }

    /** Listens on {@code bind:port} (0: any free port). */
    public SlowServer(InetAddress bind, int port) throws IOException {
        server = new ServerSocket(port, 1024, bind);
        Thread acceptor = new Thread(this::acceptLoop, "slow-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static SlowServer start() {
        try {
            return new SlowServer(InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String base() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    public int open() {
        return connections.size();
    }

    public int maxOpen() {
        return maxOpen.get();
    }

    public synchronized void reset() {
        accepted.set(0);
        maxOpen.set(connections.size());
        servedAt.clear();
    }

    /** When ({@link System#nanoTime()}) each request since the last reset was answered. */
    public java.util.List<Long> servedAt() {
        synchronized (servedAt) {
            return new java.util.ArrayList<>(servedAt);
        }
    }

    /** Waits until at most {@code max} connections are open; true when that happened in time. */
    public boolean awaitOpenAtMost(int max, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (open() > max) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                accepted.incrementAndGet();
                connections.add(socket);
                maxOpen.accumulateAndGet(connections.size(), Math::max);
                Thread handler = new Thread(() -> serve(socket), "slow-server-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                if (!closed) {
                    e.printStackTrace();
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String requestLine = readHead(in);
                if (requestLine == null) {
                    return;
                }
                String path = requestLine.split(" ").length > 1 ? requestLine.split(" ")[1] : "/";
                String body = "ok";
                if (path.startsWith("/slow/")) {
                    long millis = Long.parseLong(path.substring("/slow/".length()));
                    Thread.sleep(millis);
                    body = "slept " + millis;
                }
                byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
                servedAt.add(System.nanoTime());
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away
        } finally {
            connections.remove(socket);
        }
    }

    /** The request line, after reading the whole head (no request bodies are sent here); null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        String first = null;
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String text = line.toString().trim();
                if (first == null) {
                    first = text;
                } else if (text.isEmpty()) {
                    return first;
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        return null;
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
