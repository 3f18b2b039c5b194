package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
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

    public static void minimalClient() {
        try {
            AgentLog.infoOnce("apache5-async-minimal", "HttpAsyncClients.createMinimal()/createHttp2Minimal() clients are"
                    + " not pooled: MinimalHttpAsyncClient is a final class that runs an I/O reactor of its own. Use"
                    + " HttpAsyncClients.createDefault() (or custom()...build()) per request to have it pooled.");
        } catch (Throwable error) {
            AgentErrors.record("minimal async client", error);
        }
    }
}
