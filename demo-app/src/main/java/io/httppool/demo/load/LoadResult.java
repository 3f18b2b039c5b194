package io.httppool.demo.load;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * What one load run measured in its window. Written as a properties file by the load JVM and read
 * back by the orchestrator: a flat, typed-enough format that needs no parser of our own.
 *
 * @param proxyDelta how the proxy's own counters ({@code /admin/stats}) moved during the window;
 *                   empty when the driver was not given the stats URL
 * @param proxyEnd   the proxy's counters as read at the end of the window (live threads, for one);
 *                   empty without the stats URL
 * @param firstHalfRequests  successful requests answered in the first half of the window
 * @param secondHalfRequests the same in the second half: about equal when the window is steady
 * @param timeline   successful requests in each second of the run, warm-up seconds first: shows
 *                   whether the window was steady
 * @param warmupSeconds how long the warm-up before the window lasted; NaN in a file from before it was written
 * @param jitSettled    whether the warm-up ended because the proxy's JIT had settled, rather than at its cap
 *                      (or at the fixed minimum when there were no JIT readings)
 */
public record LoadResult(long requests, long errors, long warmupRequests, long warmupErrors,
                         double windowSeconds, long firstHalfRequests, long secondHalfRequests, double p50Millis, double p90Millis, double p99Millis,
                         double maxMillis, double meanMillis, Map<String, Long> proxyDelta,
                         Map<String, Long> proxyEnd, List<Long> timeline, double warmupSeconds, boolean jitSettled) {

    private static final String PROXY_PREFIX = "proxy.";
    private static final String PROXY_END_PREFIX = "proxy_end.";

    public double requestsPerSecond() {
        return windowSeconds <= 0 ? 0 : requests / windowSeconds;
    }

    /** Throughput in the first half of the window. */
    public double firstHalfRequestsPerSecond() {
        return windowSeconds <= 0 ? 0 : firstHalfRequests / (windowSeconds / 2);
    }

    /** Throughput in the second half of the window. */
    public double secondHalfRequestsPerSecond() {
        return windowSeconds <= 0 ? 0 : secondHalfRequests / (windowSeconds / 2);
    }

    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("requests", Long.toString(requests));
        p.setProperty("errors", Long.toString(errors));
        p.setProperty("warmup_requests", Long.toString(warmupRequests));
        p.setProperty("warmup_errors", Long.toString(warmupErrors));
        p.setProperty("window_seconds", Double.toString(windowSeconds));
        p.setProperty("requests_per_second", Double.toString(requestsPerSecond()));
        p.setProperty("first_half_requests", Long.toString(firstHalfRequests));
        p.setProperty("second_half_requests", Long.toString(secondHalfRequests));
        p.setProperty("p50_ms", Double.toString(p50Millis));
        p.setProperty("p90_ms", Double.toString(p90Millis));
        p.setProperty("p99_ms", Double.toString(p99Millis));
        p.setProperty("max_ms", Double.toString(maxMillis));
        p.setProperty("mean_ms", Double.toString(meanMillis));
        proxyDelta.forEach((k, v) -> p.setProperty(PROXY_PREFIX + k, Long.toString(v)));
        proxyEnd.forEach((k, v) -> p.setProperty(PROXY_END_PREFIX + k, Long.toString(v)));
        p.setProperty("warmup_seconds", Double.toString(warmupSeconds));
        p.setProperty("jit_settled", Boolean.toString(jitSettled));
        p.setProperty("timeline_per_second", timeline.stream().map(String::valueOf).collect(Collectors.joining(",")));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(out, "load driver result");
        }
    }

    public static LoadResult read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        Map<String, Long> proxy = new LinkedHashMap<>();
        Map<String, Long> proxyEnd = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith(PROXY_PREFIX)) {
                proxy.put(name.substring(PROXY_PREFIX.length()), Long.parseLong(p.getProperty(name)));
            } else if (name.startsWith(PROXY_END_PREFIX)) {
                proxyEnd.put(name.substring(PROXY_END_PREFIX.length()), Long.parseLong(p.getProperty(name)));
            }
        }
        List<Long> timeline = new ArrayList<>();
        for (String count : p.getProperty("timeline_per_second", "").split(",")) {
            if (!count.isBlank()) {
                timeline.add(Long.parseLong(count.trim()));
            }
        }
        return new LoadResult(
                Long.parseLong(p.getProperty("requests")),
                Long.parseLong(p.getProperty("errors")),
                Long.parseLong(p.getProperty("warmup_requests")),
                Long.parseLong(p.getProperty("warmup_errors")),
                Double.parseDouble(p.getProperty("window_seconds")),
                Long.parseLong(p.getProperty("first_half_requests", "0")),
                Long.parseLong(p.getProperty("second_half_requests", "0")),
                Double.parseDouble(p.getProperty("p50_ms")),
                Double.parseDouble(p.getProperty("p90_ms")),
                Double.parseDouble(p.getProperty("p99_ms")),
                Double.parseDouble(p.getProperty("max_ms")),
                Double.parseDouble(p.getProperty("mean_ms")),
                proxy, proxyEnd, timeline,
                Double.parseDouble(p.getProperty("warmup_seconds", "NaN")),
                Boolean.parseBoolean(p.getProperty("jit_settled", "false")));
    }

    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "%d requests in %.1f s = %.0f req/s, errors %d, latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, "
                        + "after %.1f s warm-up (%s)",
                requests, windowSeconds, requestsPerSecond(), errors, p50Millis, p90Millis, p99Millis, maxMillis,
                warmupSeconds, jitSettled ? "JIT settled" : "JIT not settled");
    }
}
