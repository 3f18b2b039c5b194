package io.httppool.agent.bootstrap;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point, kept tiny on purpose: whatever goes wrong while starting, the application
 * must start exactly as it would without the agent.
 *
 * <p>This one class is compiled for Java 8 (see agent/pom.xml): set fleet-wide through {@code JAVA_TOOL_OPTIONS},
 * the agent also reaches JVMs older than the Java 17 it needs, and there a Java 17 entry point would fail to load
 * and the JVM would refuse to start. Here it says so in one line and the application runs without it. It calls
 * {@link AgentInstaller} (a Java 17 class) directly, not by reflection: a JVM may resolve the call's class early
 * or late, but an error in resolving it is thrown only where the call runs (JVMS 5.4; HotSpot resolves it then),
 * and on an older Java that call never runs. So the installer may be named only as the owner of that call,
 * never in a field or method type, a supertype or a class literal (AgentJarIT checks the class file).
 * Reflection cost ~1.5 ms of every start-up on JDK 17 (finding the method) and more on later JDKs, which spin
 * method-handle classes for it. AgentEntryPointTest runs an older Java's path with AgentInstaller absent.
 *
 * <p>In the shipped jar {@code premain} and {@code agentmain} carry ACC_VARARGS, so that the JVM's own reflective
 * call of them spins no method-handle classes either (agent/src/build/EntryPointVarargsFlag.java says why and what
 * that rules out: looking them up through {@code java.lang.invoke}).
 */
public final class AgentEntryPoint {

    /** The oldest Java the rest of the agent runs on (its class files are Java 17). */
    static final int REQUIRED_FEATURE = 17;

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
        start(System.getProperty("java.specification.version"), agentArgs, instrumentation, attachedLate);
    }

    /** {@code specificationVersion}: this JVM's {@code java.specification.version} (a parameter for the test). */
    static void start(String specificationVersion, String agentArgs, Instrumentation instrumentation, boolean attachedLate) {
        try {
            String tooOld = tooOld(specificationVersion);
            if (tooOld != null) {
                System.err.println("[http-pool-agent] " + tooOld);
                return;
            }
            AgentInstaller.install(agentArgs, instrumentation, attachedLate);
        } catch (Throwable error) {
            try {
                System.err.println("[http-pool-agent] could not start, pooling OFF; the application runs without the agent: " + error);
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
