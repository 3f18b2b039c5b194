package io.httppool.agent.instrumentation.jdkhttp;

import io.httppool.agent.log.AgentErrors;

/**
 * What the JDK's woven classes call, by reflection (see {@link JdkHttpInstrumentation}). Every method
 * takes the hook's values as an array and answers null for "do what the JDK does"; nothing thrown here
 * reaches the JDK (the woven code would also catch it, but it would then not be counted).
 */
public final class JdkHttpHooks {

    private JdkHttpHooks() {
    }

    /** {@code HttpClientBuilderImpl.build()}: the pooled client for these settings, or null to build as usual. */
    public static Object build(Object[] settings) {
        try {
            return JdkHttpPools.clientFor(JdkSetup.of(settings));
        } catch (Throwable error) {
            AgentErrors.record("JDK HttpClient build", error);
            return null;
        }
    }

    /** {@code HttpClientImpl.start()}: the real client being started, matched to the pool building it. */
    public static Object started(Object[] values) {
        try {
            JdkHttpPools.started(values[0]);
        } catch (Throwable error) {
            AgentErrors.record("JDK HttpClient start", error);
        }
        return null;
    }

    public static Object connectionOpened(Object[] values) {
        return forPoolOf(values[0], "connection count", JdkManagedPool::connectionOpened);
    }

    public static Object connectionClosed(Object[] values) {
        return forPoolOf(values[0], "connection count", JdkManagedPool::connectionClosed);
    }

    public static Object tlsConnection(Object[] values) {
        return forPoolOf(values[0], "TLS count", pool -> pool.counters().tlsHandshake());
    }

    /** Runs {@code action} on the pool of the real client {@code impl} (none for the application's own clients). */
    private static Object forPoolOf(Object impl, String what, java.util.function.Consumer<JdkManagedPool> action) {
        try {
            JdkManagedPool pool = JdkHttpPools.poolOfImpl(impl);
            if (pool != null) {
                action.accept(pool);
            }
        } catch (Throwable error) {
            AgentErrors.record("JDK HttpClient " + what, error);
        }
        return null;
    }
}
