package io.httppool.agent.log;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where every exception thrown inside the agent's hooks or helpers ends up. It is counted, logged once
 * per kind, and never rethrown: the application then runs its own, unmodified code path.
 */
public final class AgentErrors {

    private static final AtomicLong SUPPRESSED = new AtomicLong();

    private AgentErrors() {
    }

    public static void record(String where, Throwable error) {
        try {
            SUPPRESSED.incrementAndGet();
            StackTraceElement[] stack = error.getStackTrace();
            String origin = stack.length > 0 ? stack[0].toString() : "?";
            AgentLog.warnOnce("error:" + where + ":" + error.getClass().getName() + ":" + origin,
                    "Internal error in " + where + " (" + error
                            + "); the agent stepped aside and the application carries on unharmed."
                            + " Later errors of this kind are counted (http_pool_agent_suppressed_errors_total), not logged.",
                    error);
        } catch (Throwable ignored) {
            // Reporting must never be what breaks the application.
        }
    }

    /** How many errors the agent swallowed since start-up; exposed over JMX and /metrics. */
    public static long suppressedCount() {
        return SUPPRESSED.get();
    }
}
