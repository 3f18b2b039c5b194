package io.httppool.agent.bootstrap;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.config.ConfigLoader;
import io.httppool.agent.health.Observability;
import io.httppool.agent.instrumentation.ClassDefiner;
import io.httppool.agent.instrumentation.HookTransformer;
import io.httppool.agent.instrumentation.Libraries;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.PoolRegistry;
import io.httppool.agent.threads.AgentThreads;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads the configuration and, when pooling is on, registers the agent's one transformer. Everything
 * else waits until it is needed: the helper-class definer until a library class first loads, health
 * checks and JMX until the first pool exists (the status server, when asked for, starts at once on a
 * thread of its own). A JVM that never loads an HTTP client pays for reading the settings and one hash
 * lookup per loaded class, nothing more.
 */
final class AgentInstaller {

    private static final String VERSION = versionOfThisJar();

    private AgentInstaller() {
    }

    /** {@code premain}, through {@link AgentEntryPoint}. */
    static void install(String agentArgs, Instrumentation instrumentation) {
        install(agentArgs, instrumentation, false);
    }

    /** {@code agentmain} (attached to a running JVM), through {@link AgentEntryPoint}. */
    static void installLate(String agentArgs, Instrumentation instrumentation) {
        install(agentArgs, instrumentation, true);
    }

    private static void install(String agentArgs, Instrumentation instrumentation, boolean attachedLate) {
        long started = System.nanoTime();
        ConfigLoader.Result loaded = ConfigLoader.fromEnvironment(agentArgs);
        AgentConfig config = loaded.config();
        AgentLog.configure(config.logLevel());

        if (!loaded.valid()) {
            for (String error : loaded.errors()) {
                reportConfigError(config, error + "; pooling OFF, the application runs without the agent");
            }
            return;
        }
        AgentConfig.install(config);
        if (!config.poolEnabled()) {
            AgentLog.log().info("http-pool-agent {} pooling OFF (HTTP_POOL_ENABLED=false): no class is transformed", VERSION);
            return;
        }

        List<Libraries.Known> libraries = Libraries.enabled(config);
        HookTransformer transformer = new HookTransformer(libraries, definerFor(instrumentation));
        instrumentation.addTransformer(transformer, true);
        long premainMillis = (System.nanoTime() - started) / 1_000_000;
        AgentLog.startLine("http-pool-agent " + VERSION + " pooling ON (premain " + premainMillis + " ms); " + config.describe());
        if (attachedLate) {
            retransformLoaded(instrumentation, transformer);
        }
        PoolRegistry.onFirstPool(new Runnable() { // not a lambda: the first one costs milliseconds in premain
            @Override
            public void run() {
                startObservability(config);
            }
        });
        if (config.statusPort() >= 0) {
            startObservability(config);
        }
    }

    /** The definer is set up when the first library class loads, not at start-up. */
    private static Supplier<ClassDefiner> definerFor(Instrumentation instrumentation) {
        return new Supplier<>() {
            private ClassDefiner definer;
            private boolean failed;

            @Override
            public synchronized ClassDefiner get() {
                if (definer == null && !failed) {
                    try {
                        definer = ClassDefiner.create(instrumentation);
                    } catch (Throwable error) {
                        failed = true;
                        AgentErrors.record("setting up helper-class injection", error);
                    }
                }
                return definer;
            }
        };
    }

    /**
     * Health checks, JMX and the status server start on a thread of their own: binding a port and loading
     * the JDK's HTTP server must not delay the application thread that created the first pool, and that
     * thread never waits for this one.
     */
    private static void startObservability(AgentConfig config) {
        AgentThreads.newDaemon(() -> {
            try {
                FaultPoint.reached("observabilityStart");
                Observability.start(config);
            } catch (Throwable error) {
                AgentErrors.record("starting health checks and reporting", error);
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
