package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.log.AgentErrors;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.MinimalH2AsyncClient;
import org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;

/**
 * The only methods the woven code calls (see {@link Apache5AsyncInstrumentation#hooks()}). Each answers
 * "do what the library would have done" when anything of the agent's fails, the error counted and logged once.
 */
public final class Apache5AsyncHooks {

    private Apache5AsyncHooks() {
    }

    /** {@code HttpAsyncClientBuilder.build()}: a pooled client, or null to build as usual. */
    public static CloseableHttpAsyncClient pooledClient(Object builder) {
        return pooled(builder, Apache5AsyncSetup.Protocol.HTTP);
    }

    /** {@code H2AsyncClientBuilder.build()}: a pooled HTTP/2 client, or null to build as usual. */
    public static CloseableHttpAsyncClient pooledH2Client(Object builder) {
        return pooled(builder, Apache5AsyncSetup.Protocol.H2);
    }

    private static CloseableHttpAsyncClient pooled(Object builder, Apache5AsyncSetup.Protocol protocol) {
        try {
            return Apache5AsyncPools.clientFor(builder, protocol);
        } catch (Throwable error) {
            AgentErrors.record("async HttpClient 5 build", error);
            return null;
        }
    }

    /** {@code PoolingAsyncClientConnectionManagerBuilder.build()} returned: the manager, remembered with its setup. */
    public static PoolingAsyncClientConnectionManager managerBuilt(PoolingAsyncClientConnectionManager manager, Object builder) {
        try {
            Apache5AsyncPools.managerBuilt(manager, builder);
        } catch (Throwable error) {
            AgentErrors.record("async connection manager build", error);
        }
        return manager;
    }

    public static void managerReconfigured(Object manager, String setter) {
        try {
            Apache5AsyncPools.managerReconfigured(manager, setter);
        } catch (Throwable error) {
            AgentErrors.record("async connection manager reconfiguration", error);
        }
    }

    /** No-argument {@code HttpAsyncClients.createMinimal()}: the shared minimal client, or null to create one as usual. */
    public static MinimalHttpAsyncClient sharedMinimalClient() {
        try {
            return (MinimalHttpAsyncClient) Apache5AsyncMinimalClients.client(Apache5AsyncSetup.Protocol.HTTP);
        } catch (Throwable error) {
            AgentErrors.record("shared minimal async client", error);
            return null;
        }
    }

    /** No-argument {@code HttpAsyncClients.createHttp2Minimal()}: the shared minimal HTTP/2 client, or null. */
    public static MinimalH2AsyncClient sharedMinimalH2Client() {
        try {
            return (MinimalH2AsyncClient) Apache5AsyncMinimalClients.client(Apache5AsyncSetup.Protocol.H2);
        } catch (Throwable error) {
            AgentErrors.record("shared minimal HTTP/2 async client", error);
            return null;
        }
    }

    /**
     * {@code close}, {@code close(CloseMode)}, {@code initiateShutdown()}, {@code awaitShutdown} of any async
     * client: true (skip the library's body) when it is a shared minimal client, which other callers use.
     */
    public static boolean keepsRunning(Object client) {
        try {
            return Apache5AsyncMinimalClients.poolOf(client) != null;
        } catch (Throwable error) {
            AgentErrors.record("minimal async client close", error);
            return false;
        }
    }

    /** A request on a minimal client: counted when the client is a shared one. */
    public static void minimalRequest(Object client) {
        try {
            Apache5AsyncMinimalPool pool = Apache5AsyncMinimalClients.poolOf(client);
            if (pool != null) {
                pool.requested();
            }
        } catch (Throwable error) {
            AgentErrors.record("minimal async request count", error);
        }
    }
}
