package io.httppool.agent.bootstrap;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.config.ConfigLoader;
import io.httppool.agent.instrumentation.LibraryInstrumentation;
import io.httppool.agent.instrumentation.LibraryTransformer;
import io.httppool.agent.instrumentation.TransformErrorListener;
import io.httppool.agent.instrumentation.apache5.Apache5Instrumentation;
import io.httppool.agent.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;

/** Reads the configuration, and when pooling is on installs every library's instrumentation. */
final class AgentInstaller {

    private static final String VERSION = versionOfThisJar();

    private AgentInstaller() {
    }

    static void install(String agentArgs, Instrumentation instrumentation) {
        long started = System.nanoTime();
        ConfigLoader.Result loaded = ConfigLoader.fromEnvironment(agentArgs);
        AgentConfig config = loaded.config();
        AgentLog.configure(config.logLevel());

        if (!loaded.valid()) {
            for (String error : loaded.errors()) {
                reportConfigError(config, error);
            }
            reportConfigError(config, "pooling OFF: fix the setting(s) above; the application runs without the agent");
            return;
        }
        AgentConfig.install(config);
        if (!config.poolEnabled()) {
            AgentLog.log().info("http-pool-agent {} pooling OFF (HTTP_POOL_ENABLED=false): no class is transformed", VERSION);
            return;
        }

        List<LibraryInstrumentation> libraries = List.of(new Apache5Instrumentation());
        AgentBuilder agent = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new TransformErrorListener())
                .ignore(nameStartsWith("io.httppool.agent.").or(nameStartsWith("net.bytebuddy.")).or(isSynthetic()));
        for (LibraryInstrumentation library : libraries) {
            agent = LibraryTransformer.register(agent, library);
        }
        agent.installOn(instrumentation);

        long millis = (System.nanoTime() - started) / 1_000_000;
        AgentLog.log().info("http-pool-agent {} pooling ON in {} ms; {}", VERSION, millis, config.describe());
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
