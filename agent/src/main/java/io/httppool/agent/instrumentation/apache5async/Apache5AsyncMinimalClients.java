package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.Clock;
import io.httppool.agent.pool.SetupFingerprint;
import io.httppool.agent.pool.SetupRegistry;
import java.util.Arrays;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;

/**
 * The shared minimal clients of one class loader (this class is defined anew in every loader that has
 * HttpClient 5, so its statics are per loader): one per protocol, in pools named
 * {@code apache5-async/minimal} and {@code apache5-async/h2-minimal}. Only the no-argument factories are
 * served: every client they make has the same setup, and no state of its own to keep apart.
 *
 * <p>Which clients are shared is an identity check against a handful of objects, so the close hooks on
 * every async client cost a volatile read; a shared client's {@code close}, {@code initiateShutdown} and
 * {@code awaitShutdown} do nothing. The agent closes a shared client only once it is no longer its pool's
 * (replaced after it stopped running).
 */
final class Apache5AsyncMinimalClients {

    private static final SetupRegistry<Apache5AsyncMinimalPool> REGISTRY =
            new SetupRegistry<>("apache5-async", Apache5AsyncPools.LIBRARY, Apache5AsyncMinimalClients.class.getClassLoader());

    /** The pools made so far (a new array on each change: read without a lock on every close and request). */
    private static volatile Apache5AsyncMinimalPool[] pools = new Apache5AsyncMinimalPool[0];

    private Apache5AsyncMinimalClients() {
    }

    /** The shared client for a no-argument {@code createMinimal()} ({@code HTTP}) or {@code createHttp2Minimal()} ({@code H2}). */
    static CloseableHttpAsyncClient client(Apache5AsyncSetup.Protocol protocol) {
        boolean http = protocol == Apache5AsyncSetup.Protocol.HTTP;
        String kind = http ? "minimal" : "h2-minimal";
        AgentConfig config = AgentConfig.current();
        Apache5AsyncMinimalPool pool = REGISTRY.getOrCreate(SetupFingerprint.ofParts("apache5-async-" + kind), kind, name -> {
            Apache5AsyncMinimalPool created = new Apache5AsyncMinimalPool(name, Apache5AsyncPools.LIBRARY, kind, protocol, config,
                    Clock.SYSTEM);
            add(created);
            AgentLog.info("Created managed pool " + name + " for " + Apache5AsyncPools.LIBRARY + ": one "
                    + (http ? "MinimalHttpAsyncClient" : "MinimalH2AsyncClient") + " client, its I/O reactor threads and its"
                    + " connections shared by every HttpAsyncClients." + (http ? "createMinimal" : "createHttp2Minimal")
                    + "() of this class loader; their close() leaves it running");
            return created;
        });
        return pool != null ? pool.client() : null;
    }

    private static synchronized void add(Apache5AsyncMinimalPool pool) {
        Apache5AsyncMinimalPool[] now = Arrays.copyOf(pools, pools.length + 1);
        now[now.length - 1] = pool;
        pools = now;
    }

    /** The pool whose shared client {@code client} is now, or null: then the application's close of it is the library's. */
    static Apache5AsyncMinimalPool poolOf(Object client) {
        for (Apache5AsyncMinimalPool pool : pools) {
            if (pool.serves(client)) {
                return pool;
            }
        }
        return null;
    }
}
