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
    /** Set once the JVM runs the shutdown hook: nothing starts after that. */
    private static boolean shuttingDown;
    private static HealthMonitor monitor;
    private static PoolMBeans mbeans;
    private static StatusServer statusServer;
    private static Thread shutdownHook;

    private Observability() {
    }

    /** Starts everything once; later calls do nothing. Never throws. */
    public static void start(AgentConfig config) {
        start(config, 0);
    }

    /**
     * For the application's first pool (the status server, when asked for, started everything in premain):
     * installs the shutdown hook at once, so a request in flight at exit finishes however soon the JVM exits,
     * and sets up the health thread and JMX only when the health thread's first run is due
     * ({@link HealthMonitor#firstRunMillis}: a second at most), started as if it had not waited, so every run
     * keeps its time. That set-up (~40 classes and a scheduler thread) then does not compete for the processor
     * with the application's first request, and a JVM that exits within the second (a CLI tool, a batch
     * job) never pays it: ~15 ms of a one-call JVM on 2 cores. Runs on an agent thread, which it keeps for
     * that wait. Never throws.
     */
    public static void startForFirstPool(AgentConfig config) {
        installShutdownHook();
        long waitMillis = HealthMonitor.firstRunMillis(config.healthInterval());
        try {
            Thread.sleep(waitMillis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
        }
        start(config, waitMillis);
    }

    private static synchronized void start(AgentConfig config, long waitedMillis) {
        if (started || shuttingDown) {
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
            monitor.start(waitedMillis);
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
        installShutdownHook();
    }

    /** Registers the hook that closes every pool gracefully at exit, once. Never throws. */
    private static synchronized void installShutdownHook() {
        if (shutdownHook != null || shuttingDown) {
            return;
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
        synchronized (Observability.class) {
            shuttingDown = true;
        }
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

    /**
     * Stops monitor, status server and JMX registrations, leaving pools open; {@link #start} may run again, but
     * not once {@link #shutDown} ran.
     */
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
        shuttingDown = false;
    }

    private static String safeName(ManagedPool pool) {
        try {
            return pool.name();
        } catch (Throwable error) {
            return String.valueOf(pool);
        }
    }
}
