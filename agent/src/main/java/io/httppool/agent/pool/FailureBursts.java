package io.httppool.agent.pool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Error-triggered refresh: {@value #BURST} connection-level failures to one route within
 * {@value #WINDOW_MILLIS} ms (an upstream restart, say) mean its idle pooled connections are likely dead
 * too. {@link #failed} answers true exactly once per burst, and the caller then closes that route's idle
 * connections at once instead of failing the next requests one by one.
 *
 * @param <R> the library's route type (anything with equals/hashCode)
 */
public final class FailureBursts<R> {

    public static final int BURST = 3;
    public static final long WINDOW_MILLIS = 1_000;
    private static final int MAX_ROUTES = 1_024;

    private final Clock clock;
    private final Map<R, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long startMillis;
        int failures;
    }

    public FailureBursts(Clock clock) {
        this.clock = clock;
    }

    /** Counts a failure on {@code route}; true when it completes a burst. */
    public boolean failed(R route) {
        if (route == null) {
            return false;
        }
        if (windows.size() > MAX_ROUTES) {
            windows.clear(); // bounded memory for applications that talk to very many hosts
        }
        Window window = windows.computeIfAbsent(route, r -> new Window());
        synchronized (window) {
            long now = clock.millis();
            if (window.failures == 0 || now - window.startMillis > WINDOW_MILLIS) {
                window.startMillis = now;
                window.failures = 0;
            }
            return ++window.failures == BURST;
        }
    }
}
