package io.httppool.agent.bootstrap;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.config.ConfigLoader;
import io.httppool.agent.health.Observability;
import io.httppool.agent.instrumentation.AdviceErrors;
import io.httppool.agent.instrumentation.LibraryInstrumentation;
import io.httppool.agent.instrumentation.LibraryTransformer;
import io.httppool.agent.instrumentation.TransformErrorListener;
import io.httppool.agent.instrumentation.apache5.Apache5Instrumentation;
import io.httppool.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;

/**
 * Reads the configuration and, when pooling is on, registers the deferred transformer; Byte Buddy and
 * the observability parts start on a background thread.
 */
final class AgentInstaller {

    private static final String VERSION = versionOfThisJar();

    private AgentInstaller() {
    }

    static void install(String agentArgs, Instrumentation instrumentation, boolean attachedLate) {
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

        List<LibraryInstrumentation> libraries = List.of(new Apache5Instrumentation());
        Set<String> targets = new HashSet<>();
        for (LibraryInstrumentation library : libraries) {
            targets.addAll(library.instrumentedTypes());
        }
        DeferredTransformer transformer = new DeferredTransformer(targets, () -> byteBuddyTransformer(libraries));
        instrumentation.addTransformer(transformer, true);
        if (attachedLate) {
            retransformLoaded(instrumentation, transformer);
        }
        startInBackground(transformer, config, started);
    }

    private static ClassFileTransformer byteBuddyTransformer(List<LibraryInstrumentation> libraries) {
        AgentBuilder agent = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new TransformErrorListener())
                .ignore(nameStartsWith("io.httppool.agent.").or(nameStartsWith("net.bytebuddy.")).or(isSynthetic()));
        for (LibraryInstrumentation library : libraries) {
            agent = LibraryTransformer.register(agent, library);
        }
        return agent.makeRaw();
    }

    /**
     * Warms Byte Buddy up, logs the effective configuration (initialising the agent's logging is itself
     * tens of milliseconds) and starts health checks, JMX and the status server, all off the main thread.
     */
    private static void startInBackground(DeferredTransformer transformer, AgentConfig config, long premainStarted) {
        long premainMillis = (System.nanoTime() - premainStarted) / 1_000_000;
        Thread thread = new Thread(() -> {
            try {
                transformer.delegate();
                transformer.warmUp(ClassLoader.getSystemClassLoader());
                long readyMillis = (System.nanoTime() - premainStarted) / 1_000_000;
                AgentLog.log().info("http-pool-agent {} pooling ON (premain {} ms, instrumentation ready after {} ms); {}",
                        VERSION, premainMillis, readyMillis, config.describe());
                Observability.start(config);
            } catch (Throwable error) {
                AdviceErrors.record("background start-up", error);
            }
        }, "http-pool-agent-init");
        thread.setDaemon(true);
        thread.start();
    }

    /** Attached to a running JVM: the library may be loaded already, so its classes are transformed now. */
    private static void retransformLoaded(Instrumentation instrumentation, DeferredTransformer transformer) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (transformer.targets(type.getName()) && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                instrumentation.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (Throwable error) {
                AdviceErrors.record("retransformation of already loaded classes", error);
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
