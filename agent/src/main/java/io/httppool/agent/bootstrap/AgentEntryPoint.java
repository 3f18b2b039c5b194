package io.httppool.agent.bootstrap;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The agent's entry point, kept tiny on purpose: whatever goes wrong while starting, the application
 * must start exactly as it would without the agent.
 *
 * <p>This one class is compiled for Java 8 (see agent/pom.xml) and names the rest of the agent only by
 * reflection: set fleet-wide through {@code JAVA_TOOL_OPTIONS}, the agent also reaches JVMs older than
 * the Java 17 it needs, and there a Java 17 entry point would fail to load and the JVM would refuse to
 * start. Here it says so in one line and the application runs without it.
 */
public final class AgentEntryPoint {

    /** The oldest Java the rest of the agent runs on (its class files are Java 17). */
    static final int REQUIRED_FEATURE = 17;

    private static final String INSTALLER = "io.httppool.agent.bootstrap.AgentInstaller";

    private AgentEntryPoint() {
    }

    /** Called by {@code -javaagent:http-pool-agent.jar[=args]} before {@code main}. */
    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, false);
    }

    /** Called when the agent is attached to a running JVM. */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, true);
    }

    private static void start(String agentArgs, Instrumentation instrumentation, boolean attachedLate) {
        try {
            String tooOld = tooOld(System.getProperty("java.specification.version"));
            if (tooOld != null) {
                System.err.println("[http-pool-agent] " + tooOld);
                return;
            }
            // Two methods of premain's own shape rather than one with a boolean: since JDK 18 reflection calls
            // through method handles, and a new shape costs its own generated classes (~20 ms on JDK 25), while
            // this one's were made for calling premain.
            Method install = Class.forName(INSTALLER).getDeclaredMethod(attachedLate ? "installLate" : "install",
                    String.class, Instrumentation.class);
            install.invoke(null, agentArgs, instrumentation);
        } catch (Throwable error) {
            Throwable cause = error instanceof InvocationTargetException ? error.getCause() : error;
            try {
                System.err.println("[http-pool-agent] could not start, pooling OFF; the application runs without the agent: " + cause);
            } catch (Throwable ignored) {
                // Nothing left to report with.
            }
        }
    }

    /**
     * Null when this Java can run the agent, else the line to print. {@code specificationVersion} is
     * {@code 1.8} up to Java 8 and the feature number ({@code 11}, {@code 17}) since Java 9.
     */
    static String tooOld(String specificationVersion) {
        int feature;
        try {
            String version = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
            int dot = version.indexOf('.');
            feature = Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        } catch (RuntimeException unreadable) {
            return null; // let the installer try; it fails safely if it cannot run
        }
        if (feature >= REQUIRED_FEATURE) {
            return null;
        }
        return "needs Java " + REQUIRED_FEATURE + " or later, this JVM is Java " + specificationVersion
                + ": pooling OFF, the application runs without the agent";
    }
}
