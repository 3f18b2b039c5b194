package io.httppool.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transparent TCP forwarder on 127.0.0.1 in front of an upstream port that counts the TCP
 * connections clients open: accepted in total, open now, and the most open at once. It only pipes
 * bytes, so it is transparent to TLS (for HTTPS every accepted connection is a full handshake: a
 * per-request client builds a fresh SSLContext, so there is no session resumption).
 *
 * <p>Optionally it closes a kept-alive connection (one that carried a response already) that
 * carried no bytes in either direction for {@code idleCloseMillis}, like a server or load balancer
 * with a short keep-alive timeout.
 * The upstream is looked up per connection, so it may be restarted on another port.
 */
public final class CountingForwarder implements AutoCloseable {

    /** All traffic stays on 127.0.0.1 (not whatever getLoopbackAddress() prefers, e.g. ::1). */
    private static final InetAddress LOOPBACK = loopback();

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private volatile ServerSocket server;
    private final int port;
    private volatile int targetPort;
    private volatile long idleCloseMillis;
    private volatile long firstBytesDelayMillis;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger idleClosed = new AtomicInteger();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "forwarder-pump");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "forwarder-idle-reaper");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public CountingForwarder(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = listen(0);
        this.port = server.getLocalPort();
        reaper.scheduleWithFixedDelay(this::closeIdle, 50, 50, TimeUnit.MILLISECONDS);
    }

    private ServerSocket listen(int onPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(LOOPBACK, onPort), 4096);
        Thread acceptor = new Thread(() -> acceptLoop(s), "forwarder-accept-" + s.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return s;
    }

    public int port() {
        return port;
    }

    /**
     * Stops listening and closes every open connection, as a stopped server does: clients connecting
     * meanwhile are refused (a {@code ConnectException}), not accepted and then dropped.
     */
    public synchronized void stopListening() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        closeAllConnections();
    }

    /** Listens again on the same port after {@link #stopListening()}; retries while the port is still held. */
    public synchronized void startListening() {
        if (!server.isClosed()) {
            return;
        }
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                server = listen(port);
                return;
            } catch (IOException e) {
                last = e;
                sleep(100);
            }
        }
        throw new java.io.UncheckedIOException("cannot listen on port " + port + " again", last);
    }

    public void targetPort(int port) {
        this.targetPort = port;
    }

    /** 0 disables; otherwise connections idle that long are closed (both sides). */
    public void idleCloseMillis(long millis) {
        this.idleCloseMillis = millis;
    }

    /**
     * 0 disables; otherwise every new connection's first bytes wait this long before they are passed on: over
     * HTTPS a TLS handshake that slow (a far server, or a cold one). The TCP connect itself is not delayed.
     */
    public void firstBytesDelayMillis(long millis) {
        this.firstBytesDelayMillis = millis;
    }

    /** TCP connections accepted since the last {@link #reset()}. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open right now. */
    public int open() {
        return open.get();
    }

    /** The most connections open at the same time since the last {@link #reset()}. */
    public int maxOpen() {
        return maxOpen.get();
    }

    /** Kept-alive connections this forwarder closed for being idle (see {@link #idleCloseMillis}) since the last {@link #reset()}. */
    public int idleClosed() {
        return idleClosed.get();
    }

    /** Waits (up to 5 s) for connections of an earlier run to go away, then zeroes the counters. */
    public void reset() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (open.get() > 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
        accepted.set(0);
        idleClosed.set(0);
        maxOpen.set(open.get());
    }

    /** Waits up to {@code millis} until no connection is open; true if none is. */
    public boolean awaitNoneOpen(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (open.get() > 0 && System.nanoTime() < deadline) {
            sleep(5);
        }
        return open.get() == 0;
    }

    /** Waits up to {@code millis} until at most {@code max} connections are open; true if so. */
    public boolean awaitOpenAtMost(int max, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (open.get() > max && System.nanoTime() < deadline) {
            sleep(5);
        }
        return open.get() <= max;
    }

    /** Waits up to {@code millis} until at least {@code min} connections are open; true if so. */
    public boolean awaitOpenAtLeast(int min, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (open.get() < min && System.nanoTime() < deadline) {
            sleep(5);
        }
        return open.get() >= min;
    }

    /** Closes every open connection now (both sides), as a restarting server would. */
    public void closeAllConnections() {
        for (Link l : links) {
            l.close();
        }
    }

    private void acceptLoop(ServerSocket listening) {
        while (!closed && !listening.isClosed()) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException e) {
                if (closed || listening.isClosed()) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            int now = open.incrementAndGet();
            maxOpen.accumulateAndGet(now, Math::max);
            Link link = new Link(client);
            links.add(link);
            try {
                pumps.execute(link::start);
            } catch (RuntimeException e) {
                link.close();
            }
        }
    }

    private void closeIdle() {
        long idle = idleCloseMillis;
        if (idle <= 0) {
            return;
        }
        long now = System.nanoTime();
        for (Link l : links) {
            if (l.answered && now - l.lastActivity > TimeUnit.MILLISECONDS.toNanos(idle) && l.close()) {
                idleClosed.incrementAndGet();
            }
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
        closeAllConnections();
        reaper.shutdownNow();
        pumps.shutdownNow();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client connection and its upstream connection, piped both ways. */
    private final class Link {
        final Socket client;
        volatile Socket upstream;
        volatile long lastActivity = System.nanoTime();
        /** Idle close applies only to a kept-alive connection: one that already carried a response. */
        volatile boolean answered;
        private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

        Link(Socket client) {
            this.client = client;
        }

        void start() {
            try {
                long delay = firstBytesDelayMillis;
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                client.setTcpNoDelay(true);
                Socket up = new Socket();
                upstream = up;
                up.setTcpNoDelay(true);
                up.connect(new InetSocketAddress(LOOPBACK, targetPort), 5000);
                pumps.execute(() -> pump(up, client));
                pump(client, up);
            } catch (IOException | RuntimeException e) {
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        /**
         * Copies until EOF. The client closing its side (FIN) is passed on as a half-close, so a
         * response in flight still arrives; the server closing its side ends the whole link, as a
         * real server's close would (a client writing to it afterwards gets a reset).
         */
        private void pump(Socket from, Socket to) {
            byte[] buf = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    lastActivity = System.nanoTime();
                    if (from != client) {
                        answered = true;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
                if (from == client) {
                    to.shutdownOutput(); // the upstream pump ends the link when the server closes
                } else {
                    close();
                }
            } catch (IOException | RuntimeException e) {
                close();
            }
        }

        /** True when this call closed the link (false: it was closed already). */
        boolean close() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            closeQuietly(client);
            closeQuietly(upstream);
            links.remove(this);
            open.decrementAndGet();
            return true;
        }

        private void closeQuietly(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
