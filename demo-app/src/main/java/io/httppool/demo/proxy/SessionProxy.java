package io.httppool.demo.proxy;

import com.sun.net.httpserver.HttpServer;
import io.httppool.demo.common.HttpServers;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The session proxy: a JDK HTTP server forwarding {@code /sessions/...} to one upstream, with
 * {@code /admin/stats} beside it.
 *
 * <p>The JDK server keeps the demo free of a web framework the agent would also have to live with;
 * with TCP_NODELAY on (see {@link HttpServers}) and a fixed worker pool it serves well over 10,000
 * keep-alive requests per second on loopback, far above what the proxied calls allow, so it is not
 * what the comparison measures.
 */
public final class SessionProxy implements AutoCloseable {

    static final String WORKER_THREAD_PREFIX = "proxy-worker-";

    private final HttpServer server;
    private final ExecutorService workers;
    private final Forwarder forwarder;
    private final ProxyStats stats = new ProxyStats();

    private SessionProxy(int port, URI upstream, Forwarder forwarder, int threads) throws IOException {
        this.forwarder = forwarder;
        AtomicInteger threadNumber = new AtomicInteger();
        // Fixed: the threads live as long as the proxy, so the per-thread allocation counters
        // (ProxyStats) see everything, and a burst cannot grow the JVM's thread count.
        workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, WORKER_THREAD_PREFIX + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServers.loopback(port);
        server.createContext("/sessions/", new ForwardHandler(upstream, forwarder, stats));
        server.createContext("/admin/stats", new StatsHandler(stats));
        server.setExecutor(workers);
        server.start();
    }

    /**
     * @param upstream the backend's base URI, {@code http(s)://host:port}
     * @param threads  worker threads; at least the number of concurrent clients, since each
     *                 worker is held for the whole upstream call
     */
    public static SessionProxy start(int port, URI upstream, ProxyMode mode, int threads) throws IOException {
        return start(port, upstream, UpstreamClient.APACHE5, mode, threads);
    }

    /** @param client the library the proxy forwards with, used per request or shared according to {@code mode} */
    public static SessionProxy start(int port, URI upstream, UpstreamClient client, ProxyMode mode, int threads)
            throws IOException {
        return new SessionProxy(port, upstream, Forwarder.of(client, mode), threads);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public ProxyStats stats() {
        return stats;
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forwarder.close();
    }
}
