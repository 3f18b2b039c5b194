package io.httppool.agent.status;

import com.sun.net.httpserver.HttpServer;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.threads.AgentThreads;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The optional HTTP server of /health and /metrics (JDK's built-in server, so no dependency), with its own
 * small executor of daemon threads. Failing to bind is logged and otherwise ignored: the application runs on.
 */
public final class StatusServer {

    static final String THREAD_NAME = "http-pool-agent-status";

    /** Two threads: a slow scrape must not hold up a health probe, and more would only compete with the application. */
    private static final int THREADS = 2;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private StatusServer(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds to {@code host:port} (port 0: any free port) and starts serving; returns null after logging
     * why when that fails.
     */
    public static StatusServer start(String host, int port, Supplier<MetricsSnapshot> figures) {
        ThreadPoolExecutor executor = newExecutor();
        try {
            // The JDK server's dispatcher thread inherits daemon status from the thread that starts the
            // server; started from premain's (non-daemon) thread it would keep the JVM from exiting.
            HttpServer server = executor.submit(() -> {
                HttpServer created = HttpServer.create(new InetSocketAddress(unbracket(host), port), 16);
                created.createContext("/", new StatusHandler(figures));
                created.setExecutor(executor);
                created.start();
                return created;
            }).get(30, TimeUnit.SECONDS);
            StatusServer started = new StatusServer(server, executor);
            InetSocketAddress bound = started.address();
            AgentLog.log().info("Status server listening on http://{}:{}/ (GET /health, GET /metrics)",
                    hostForUrl(bound), bound.getPort());
            return started;
        } catch (ExecutionException | TimeoutException | RuntimeException failure) {
            Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
            AgentLog.log().error("Status server NOT started: cannot listen on {} port {} (HTTP_POOL_STATUS_HOST / "
                    + "HTTP_POOL_STATUS_PORT): {}. The application and pooling are not affected.", host, port, cause.toString());
            executor.shutdownNow();
            return null;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
            return null;
        }
    }

    /** The address actually bound: useful with port 0. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops at once: probes and scrapes are retried by their callers, nothing is lost. */
    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static ThreadPoolExecutor newExecutor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                // Unbounded: a task the executor rejected would end the JDK server's dispatcher thread.
                new LinkedBlockingQueue<>(), AgentThreads.daemonFactory(THREAD_NAME, true));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** HTTP_POOL_STATUS_HOST accepts IPv6 literals in brackets, as in URLs; sockets want them bare. */
    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String hostForUrl(InetSocketAddress address) {
        if (address.getAddress() != null && address.getAddress().isAnyLocalAddress()) {
            return "0.0.0.0"; // all interfaces: a dual-stack JVM reports [0:0:0:0:0:0:0:0], which reads like an error
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
