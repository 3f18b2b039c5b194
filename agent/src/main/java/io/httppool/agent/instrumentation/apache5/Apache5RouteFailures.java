package io.httppool.agent.instrumentation.apache5;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.HttpRoute;

/**
 * Error-triggered refresh: {@value #BURST} connection-level failures to one route within
 * {@value #WINDOW_MILLIS} ms (an upstream restart, say) mean its idle pooled connections are likely dead
 * too, so they are closed at once instead of failing the next requests one by one.
 */
final class Apache5RouteFailures {

    static final int BURST = 3;
    static final long WINDOW_MILLIS = 1_000;
    private static final int MAX_ROUTES = 1_024;

    private final Apache5ManagedPool pool;
    private final Map<HttpRoute, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long startMillis;
        int failures;
    }

    Apache5RouteFailures(Apache5ManagedPool pool) {
        this.pool = pool;
    }

    void failed(HttpRoute route) {
        if (route == null) {
            return;
        }
        if (windows.size() > MAX_ROUTES) {
            windows.clear(); // bounded memory for applications that talk to very many hosts
        }
        Window window = windows.computeIfAbsent(route, r -> new Window());
        boolean refresh;
        synchronized (window) {
            long now = System.currentTimeMillis();
            if (now - window.startMillis > WINDOW_MILLIS) {
                window.startMillis = now;
                window.failures = 0;
            }
            refresh = ++window.failures == BURST;
        }
        if (refresh) {
            pool.evictIdle(route);
        }
    }
}
