package io.httppool.agent.bootstrap;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.config.ConfigLoader;
import io.httppool.agent.health.Observability;
import io.httppool.agent.instrumentation.HookTransformer;
import io.httppool.agent.instrumentation.KnownLibrary;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.threads.AgentThreads;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the configuration and, when pooling is on, registers the agent's one transformer. Everything
 * else waits until it is needed: the helper-class definer until a library class first loads, health
 * checks and JMX until the first pool exists (the status server, when asked for, starts at once on a
 * thread of its own). A JVM that never loads an HTTP client pays for reading the settings and one hash
 * lookup per loaded class, nothing more.
 *
 * <p>An instance is the action that starts health checks and reporting when the first pool registers: a
 * {@code Runnable} class of its own would be one more class loaded in the premain of every JVM.
 */
final class AgentInstaller implements Runnable {

    private static final String VERSION = versionOfThisJar();

    private final AgentConfig config;

    private AgentInstaller(AgentConfig config) {
        this.config = config;
    }

    /** Starts health checks and reporting when the first pool registers, unless premain did (a status server). */
    @Override
    public void run() {
        if (config.statusPort() < 0) { // with a status server, premain started everything
            startObservability(config, true);
        }
    }

    /** {@code premain} ({@code attachedLate} false) or {@code agentmain}, through {@link AgentEntryPoint}. */
    static void install(String agentArgs, Instrumentation instrumentation, boolean attachedLate) {
        long started = System.nanoTime();
        AgentConfig config = ConfigLoader.fromEnvironment(agentArgs);
        AgentLog.configure(config.logLevel());

        if (!config.valid()) {
            for (String error : config.errors()) {
                reportConfigError(config, error + "; pooling OFF, the application runs without the agent");
            }
            return;
        }
        AgentConfig.install(config);
        if (!config.poolEnabled()) {
            AgentLog.log().info("http-pool-agent {} pooling OFF (HTTP_POOL_ENABLED=false): no class is transformed", VERSION);
            return;
        }

        List<KnownLibrary> libraries = KnownLibrary.enabled(config);
        HookTransformer transformer = new HookTransformer(libraries, instrumentation, new AgentInstaller(config));
        instrumentation.addTransformer(transformer, true);
        long premainMillis = (System.nanoTime() - started) / 1_000_000;
        AgentLog.info("http-pool-agent " + VERSION + " pooling ON (premain " + premainMillis + " ms); " + config.describe());
        if (attachedLate) {
            retransformLoaded(instrumentation, transformer);
        }
        if (config.statusPort() >= 0) {
            startObservability(config, false);
        }
    }

    /**
     * Health checks, JMX and the status server start on a thread of their own: binding a port and loading
     * the JDK's HTTP server must not delay the application thread that created the first pool, and that
     * thread never waits for this one. For the first pool, the set-up waits on that thread until its first run
     * is due ({@link Observability#startForFirstPool}); for the status server in premain it starts at once.
     */
    private static void startObservability(AgentConfig config, boolean forFirstPool) {
        // A class, not a lambda: this runs when the application's first call makes a pool, where a lambda spins a
        // class at first use (~0.5-1.5 ms on a cold JVM).
        AgentThreads.newDaemon(new Runnable() {
            @Override
            public void run() {
                try {
                    FaultPoint.reached("observabilityStart");
                    if (forFirstPool) {
                        Observability.startForFirstPool(config);
                    } else {
                        Observability.start(config);
                    }
                } catch (Throwable error) {
                    AgentErrors.record("starting health checks and reporting", error);
                }
            }
        }, "http-pool-agent-init").start();
    }

    /** Attached to a running JVM: the library may be loaded already, so its classes are transformed now. */
    private static void retransformLoaded(Instrumentation instrumentation, HookTransformer transformer) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (transformer.targetTypes().contains(type.getName().replace('.', '/')) && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (Throwable error) {
                AgentErrors.record("retransformation of already loaded classes", error);
            }
        }
    }

    /** Config errors must reach the operator even when the log level hides errors. */
    private static void reportConfigError(AgentConfig config, String message) {
        if ("off".equals(config.logLevel())) {
            System.err.println(AgentLog.NAME + " ERROR " + message);
        } else {
            AgentLog.log().error(message);
        }
    }

    private static String versionOfThisJar() {
        String version = AgentInstaller.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }
}
