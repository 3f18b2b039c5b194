package io.httppool.agent.health;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.jmx.AgentView;
import io.httppool.agent.jmx.PoolMBeans;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolHealthRegistry;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolRegistry;
import io.httppool.agent.status.StatusServer;
import io.httppool.agent.threads.AgentThreads;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one entry point of health monitoring and reporting: {@link #start} brings up the health monitor,
 * JMX and (when HTTP_POOL_STATUS_PORT is set) the status server, and installs a shutdown hook that closes
 * every pool gracefully. Nothing here throws to the caller: observability must never stop the application.
 */
public final class Observability {

    /** How long requests in flight at JVM shutdown may take to finish, over all pools together. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private static final PoolHealthRegistry HEALTH = new PoolHealthRegistry();

    private static boolean started;
    private static HealthMonitor monitor;
    private static PoolMBeans mbeans;
    private static StatusServer statusServer;
    private static Thread shutdownHook;

    private Observability() {
    }

    /** Starts everything once; later calls do nothing. Never throws. */
    public static synchronized void start(AgentConfig config) {
        if (started) {
            return;
        }
        started = true;
        List<CheckListener> listeners = new ArrayList<>();
        listeners.add(new PoolSummaryLog());
        try {
            // Registration rides on the health thread: when the first pool appears or at the first check,
            // whichever comes first; never during premain (see PoolMBeans).
            PoolMBeans registrar = new PoolMBeans(ManagementFactory::getPlatformMBeanServer, HEALTH,
                    new AgentView(config, Observability::snapshot));
            listeners.add((pools, snapshot) -> registrar.sync(pools));
            mbeans = registrar;
        } catch (Throwable error) {
            // A runtime image without java.management: health checks and the status server still work.
            AgentLog.log().warn("JMX not available ({}): pools are checked but not shown over JMX", error.toString());
        }
        try {
            monitor = new HealthMonitor(HealthSettings.from(config), PoolRegistry::all, HEALTH, HealthRules.standard(), listeners);
            monitor.start();
        } catch (Throwable error) {
            AgentLog.log().error("Health monitoring NOT started; pooling works, but pools are not checked or recovered", error);
        }
        try {
            if (config.statusPort() >= 0) {
                statusServer = StatusServer.start(config.statusHost(), config.statusPort(), Observability::snapshot);
            }
        } catch (Throwable error) {
            AgentLog.log().error("Status server NOT started", error);
        }
        try {
            // A registered hook is a Thread object kept by the JVM until exit: made clean like the running ones.
            shutdownHook = AgentThreads.newDaemon(Observability::shutDown, "http-pool-agent-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (Throwable error) {
            AgentLog.log().warn("No shutdown hook: pools will not be closed gracefully at exit ({})", error.toString());
        }
    }

    /** The current figures of every pool, as /health, /metrics and JMX report them. */
    public static MetricsSnapshot snapshot() {
        return MetricsSnapshot.take(HEALTH);
    }

    /** The status server, when one is running: tests and diagnostics read its bound address. */
    public static synchronized StatusServer statusServer() {
        return statusServer;
    }

    /**
     * Stops the monitor first (so it recreates nothing while pools close), then the status server, then
     * lets every pool finish its requests in flight within one shared bound: pools drain side by side in
     * real time, so one deadline for all keeps exit within {@link #SHUTDOWN_GRACE} however many pools exist.
     */
    static void shutDown() {
        stopReporting();
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        for (ManagedPool pool : PoolRegistry.all()) {
            try {
                pool.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (Throwable error) {
                // At exit, a pool that fails to close is only worth a line: the process is going away.
                AgentLog.log().warn("Closing pool {} at shutdown failed: {}", safeName(pool), error.toString());
            }
        }
    }

    /** Stops monitor, status server and JMX registrations, leaving pools open; {@link #start} may run again. */
    static synchronized void stopReporting() {
        if (monitor != null) {
            monitor.stop();
            monitor = null;
        }
        if (statusServer != null) {
            statusServer.stop();
            statusServer = null;
        }
        if (mbeans != null) {
            mbeans.unregisterAll();
            mbeans = null;
        }
    }

    /** For tests: undoes {@link #start} without closing pools. */
    static synchronized void stopForTests() {
        stopReporting();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Nothing to undo then.
            }
            shutdownHook = null;
        }
        started = false;
    }

    private static String safeName(ManagedPool pool) {
        try {
            return pool.name();
        } catch (Throwable error) {
            return String.valueOf(pool);
        }
    }
}
