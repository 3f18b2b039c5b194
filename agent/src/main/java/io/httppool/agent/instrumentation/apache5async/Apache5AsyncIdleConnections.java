package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.log.AgentErrors;
import java.lang.reflect.Field;
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

    private static final Field MANAGER_POOL = field("org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager", "pool");

    private Apache5AsyncIdleConnections() {
    }

    private static Field field(String type, String name) {
        try {
            Field field = Class.forName(type, false, Apache5AsyncIdleConnections.class.getClassLoader()).getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException absent) {
            return null;
        }
    }

    /**
     * Closes idle connections beyond {@code maxIdle}, the longest idle first, of those idle at least
     * {@code idleAtLeastMillis}; returns how many. A busy pool reuses its connections within microseconds,
     * so with a second's minimum this only shrinks a pool whose load fell.
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
        try {
            Object pool = MANAGER_POOL != null ? MANAGER_POOL.get(manager) : null;
            if (pool instanceof StrictConnPool) {
                ((StrictConnPool<HttpRoute, ?>) pool).enumAvailable(action::accept);
            } else if (pool instanceof LaxConnPool) {
                ((LaxConnPool<HttpRoute, ?>) pool).enumAvailable(action::accept);
            }
            // HTTP/2 message multiplexing: connections are shared by design and few; left to keep-alive expiry.
        } catch (IllegalAccessException error) {
            AgentErrors.record("reading the idle connections of an async pool", error);
        }
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
