package io.httppool.agent.instrumentation.okhttp;

import io.httppool.agent.pool.RecentPeak;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which idle OkHttp connections the upkeep closes. OkHttp's own idle limit applies at every release (the
 * longest-idle connection beyond it is evicted at once), so with HTTP_MAX_KEEPALIVE_CONNECTIONS as that limit a
 * busy pool with more calls in flight than the limit closed connections between two calls and reopened them
 * at the next (measured: 128 concurrent calls through one host, 2,174 TLS handshakes in a 70 s run against
 * 116 for a shared client). So OkHttp is given HTTP_MAX_CONNECTIONS as its idle limit, and the upkeep closes,
 * beyond the HTTP_MAX_KEEPALIVE_CONNECTIONS most recently used idle connections, those idle for a whole
 * demand window (one health interval; while calls keep coming, a few): a connection no call used in that time
 * was not needed at the pool's recent peak. OkHttp hands calls the first fitting connection in its list, so
 * under lighter load the same few stay in use and the rest age out; once load stops, the pool shrinks to the
 * limit one window later.
 */
final class OkHttpIdleTrim {

    /**
     * An idle connection, when it became idle (OkHttp's own {@code System.nanoTime()} stamp), and whether it
     * was retired already ({@code noNewExchanges}: for its lifetime or a DNS move).
     */
    record Idle(Object connection, long idleSinceNanos, boolean retired) {
    }

    private OkHttpIdleTrim() {
    }

    /**
     * The connections of {@code idle} to close at {@code nowNanos}, keeping the {@code keep} most recently used.
     * While calls keep coming ({@code inUse} connections, or one used within the window) a connection is closed
     * only once unused for {@value RecentPeak#BUSY_MEMORY_WINDOWS} windows, as the classic pools remember their
     * peak that long while busy ({@link RecentPeak#demand}); once load stopped, after one window.
     *
     * <p>A retired connection is on its way out (OkHttp closes it, but may list it until its keep-alive ends):
     * it takes none of the {@code keep} places, which would leave fewer than {@code keep} usable connections,
     * and is not closed again. Its last use still tells whether calls keep coming.
     */
    static List<Object> toClose(List<Idle> idle, int inUse, int keep, long windowNanos, long nowNanos) {
        List<Idle> newestFirst = new ArrayList<>();
        long lastUsedNanos = Long.MIN_VALUE;
        for (Idle candidate : idle) {
            lastUsedNanos = Math.max(lastUsedNanos, candidate.idleSinceNanos());
            if (!candidate.retired()) {
                newestFirst.add(candidate);
            }
        }
        if (newestFirst.size() <= keep) {
            return List.of();
        }
        newestFirst.sort(Comparator.comparingLong(Idle::idleSinceNanos).reversed());
        boolean busy = inUse > 0 || nowNanos - lastUsedNanos < windowNanos;
        long unusedFor = RecentPeak.unusedBeforeTrim(busy, windowNanos);
        List<Object> close = new ArrayList<>();
        for (Idle candidate : newestFirst.subList(Math.max(0, keep), newestFirst.size())) {
            if (nowNanos - candidate.idleSinceNanos() >= unusedFor) {
                close.add(candidate.connection());
            }
        }
        return close;
    }
}
