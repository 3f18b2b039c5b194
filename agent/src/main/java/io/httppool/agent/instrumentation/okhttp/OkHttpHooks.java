package io.httppool.agent.instrumentation.okhttp;

import io.httppool.agent.log.AgentErrors;

/**
 * The only methods the woven OkHttp code calls (see {@link OkHttpInstrumentation#hooks()}); each answers
 * "do what OkHttp would have done" when anything of the agent's fails.
 */
public final class OkHttpHooks {

    private OkHttpHooks() {
    }

    public static void builderCreated(Object builder) {
        try {
            OkHttpPools.builderCreated(builder);
        } catch (Throwable error) {
            AgentErrors.record("OkHttp builder", error);
        }
    }

    public static boolean keepsIdleConnections(Object connectionPool) {
        try {
            return OkHttpPools.keepsIdleConnections(connectionPool);
        } catch (Throwable error) {
            AgentErrors.record("OkHttp evictAll", error);
            return false;
        }
    }

    public static void callCreated(Object client) {
        try {
            OkHttpPools.callCreated(client);
        } catch (Throwable error) {
            AgentErrors.record("OkHttp call", error);
        }
    }

    public static void connectionAdded(Object realConnectionPool, Object connection) {
        try {
            OkHttpPools.connectionAdded(realConnectionPool, connection);
        } catch (Throwable error) {
            AgentErrors.record("OkHttp connection count", error);
        }
    }

    public static void leakReported() {
        try {
            OkHttpPools.leakReported();
        } catch (Throwable error) {
            AgentErrors.record("OkHttp leak count", error);
        }
    }
}
