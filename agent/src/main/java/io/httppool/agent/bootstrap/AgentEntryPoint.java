package io.httppool.agent.bootstrap;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point, kept tiny on purpose: whatever goes wrong while starting, the application
 * must start exactly as it would without the agent.
 */
public final class AgentEntryPoint {

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
            AgentInstaller.install(agentArgs, instrumentation, attachedLate);
        } catch (Throwable error) {
            try {
                System.err.println("[http-pool-agent] could not start, pooling OFF; the application runs without the agent: " + error);
            } catch (Throwable ignored) {
                // Nothing left to report with.
            }
        }
    }
}
