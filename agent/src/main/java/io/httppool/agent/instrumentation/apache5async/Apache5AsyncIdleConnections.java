package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.pool.PoolPolicy;
import io.httppool.agent.pool.RecentPeak;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.LaxConnPool;
import org.apache.hc.core5.pool.PoolEntry;
import org.apache.hc.core5.pool.StrictConnPool;
import org.apache.hc.core5.util.TimeValue;

/**
 * Upkeep of the idle connections of an async connection manager the agent built (for a shared real client
 * or a shared minimal client): expired and idle ones closed, and those beyond the keep-alive limit.
 */
final class Apache5AsyncIdleConnections {

    private static final LibraryField MANAGER_POOL = LibraryField.declared(
            "org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager", Apache5AsyncIdleConnections.class.getClassLoader(), "pool");

    private Apache5AsyncIdleConnections() {
    }

    /**
     * How long an idle connection beyond HTTP_MAX_KEEPALIVE_CONNECTIONS stays before it is closed: one health
     * interval ({@link PoolPolicy#demandWindowMillis}), so that a connection used at the pool's recent peak is
     * kept, as the classic pool trims only beyond its recent peak. A second was too short: under steady load a
     * pool's least recently used connections sat idle that long and were closed and reopened at the next rise
     * (24 threads of short calls, idle limit 2: 26-34 connections where 24 serve). Computed once per pool (it
     * builds a {@link PoolPolicy}), not at every upkeep.
     */
    static long trimAfterMillis(AgentConfig config) {
        return PoolPolicy.of(config, 0, 0).demandWindowMillis();
    }

    /**
     * The upkeep's two limits on idle connections: beyond the pool's {@code limit} (HTTP_MAX_CONNECTIONS, or the
     * application's own: connections a burst opened beyond it while the shared manager had no limit, overflow)
     * once idle {@code beyondLimitAfterMillis}, as the classic pool keeps nothing beyond its limit; beyond
     * {@code maxIdle} (HTTP_MAX_KEEPALIVE_CONNECTIONS) once unused for {@code demandWindowMillis} (the pool's
     * {@link #trimAfterMillis}) after load stopped, for {@value RecentPeak#BUSY_MEMORY_WINDOWS} times that while
     * requests keep coming. Returns how many were closed.
     */
    static int trim(PoolingAsyncClientConnectionManager manager, long demandWindowMillis, int limit, int maxIdle,
                    long beyondLimitAfterMillis, long nowMillis) {
        if (manager == null) {
            return 0;
        }
        int closed = closeIdleBeyond(manager, Math.max(limit, maxIdle), beyondLimitAfterMillis, nowMillis);
        long unusedFor = RecentPeak.unusedBeforeTrim(busy(manager, demandWindowMillis, nowMillis), demandWindowMillis);
        return closed + closeIdleBeyond(manager, maxIdle, unusedFor, nowMillis);
    }

    /**
     * Whether requests keep coming: a connection is leased now, or one was used within {@code windowMillis}.
     * A busy pool keeps what it used within the last few windows (see {@link RecentPeak#demand}).
     */
    private static boolean busy(PoolingAsyncClientConnectionManager manager, long windowMillis, long nowMillis) {
        if (manager.getTotalStats().getLeased() > 0) {
            return true;
        }
        long[] lastUsed = {Long.MIN_VALUE};
        forEachAvailable(manager, entry -> lastUsed[0] = Math.max(lastUsed[0], entry.getUpdated()));
        return lastUsed[0] != Long.MIN_VALUE && nowMillis - lastUsed[0] < windowMillis;
    }

    /**
     * Closes idle connections beyond {@code maxIdle}, the longest idle first, of those idle at least
     * {@code idleAtLeastMillis}; returns how many.
     */
    static int closeIdleBeyond(PoolingAsyncClientConnectionManager manager, int maxIdle, long idleAtLeastMillis, long nowMillis) {
        if (manager == null || manager.getTotalStats().getAvailable() <= maxIdle) {
            return 0;
        }
        List<Long> updated = new ArrayList<>();
        forEachAvailable(manager, entry -> updated.add(entry.getUpdated()));
        int excess = updated.size() - maxIdle;
        if (excess <= 0) {
            return 0;
        }
        Collections.sort(updated);
        long cutoff = Math.min(updated.get(excess - 1), nowMillis - idleAtLeastMillis);
        int[] closed = {0};
        forEachAvailable(manager, entry -> {
            if (closed[0] < excess && entry.getUpdated() <= cutoff && entry.hasConnection()) {
                entry.discardConnection(CloseMode.GRACEFUL);
                closed[0]++;
            }
        });
        return closed[0];
    }

    /** Closes idle connections opened more than {@code lifetimeMillis} ago (when positive); returns how many. */
    static int closeIdleOlderThan(PoolingAsyncClientConnectionManager manager, long lifetimeMillis, long nowMillis) {
        if (manager == null || lifetimeMillis <= 0) {
            return 0;
        }
        int[] closed = {0};
        forEachAvailable(manager, entry -> {
            if (entry.hasConnection() && nowMillis - entry.getCreated() >= lifetimeMillis) {
                entry.discardConnection(CloseMode.GRACEFUL);
                closed[0]++;
            }
        });
        return closed[0];
    }

    @SuppressWarnings("unchecked")
    private static void forEachAvailable(PoolingAsyncClientConnectionManager manager,
                                         java.util.function.Consumer<PoolEntry<HttpRoute, ?>> action) {
        Object pool = MANAGER_POOL != null ? MANAGER_POOL.get(manager) : null;
        if (pool instanceof StrictConnPool) {
            ((StrictConnPool<HttpRoute, ?>) pool).enumAvailable(action::accept);
        } else if (pool instanceof LaxConnPool) {
            ((LaxConnPool<HttpRoute, ?>) pool).enumAvailable(action::accept);
        }
        // HTTP/2 message multiplexing: connections are shared by design and few; left to keep-alive expiry.
    }

    /** Closes expired connections, and idle ones older than {@code idleMillis} when positive. */
    static void closeExpiredAndIdle(PoolingAsyncClientConnectionManager manager, long idleMillis) {
        if (manager != null) {
            manager.closeExpired();
            if (idleMillis > 0) {
                manager.closeIdle(TimeValue.ofMilliseconds(idleMillis));
            }
        }
    }
}
