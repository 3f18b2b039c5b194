package io.httppool.demo.load;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What one load run measured in its window. Written as a properties file by the load JVM and read
 * back by the orchestrator: a flat, typed-enough format that needs no parser of our own.
 *
 * @param proxyDelta how the proxy's own counters ({@code /admin/stats}) moved during the window;
 *                   empty when the driver was not given the stats URL
 */
public record LoadResult(long requests, long errors, long warmupRequests, long warmupErrors,
                         double windowSeconds, double p50Millis, double p90Millis, double p99Millis,
                         double maxMillis, double meanMillis, Map<String, Long> proxyDelta) {

    private static final String PROXY_PREFIX = "proxy.";

    public double requestsPerSecond() {
        return windowSeconds <= 0 ? 0 : requests / windowSeconds;
    }

    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("requests", Long.toString(requests));
        p.setProperty("errors", Long.toString(errors));
        p.setProperty("warmup_requests", Long.toString(warmupRequests));
        p.setProperty("warmup_errors", Long.toString(warmupErrors));
        p.setProperty("window_seconds", Double.toString(windowSeconds));
        p.setProperty("requests_per_second", Double.toString(requestsPerSecond()));
        p.setProperty("p50_ms", Double.toString(p50Millis));
        p.setProperty("p90_ms", Double.toString(p90Millis));
        p.setProperty("p99_ms", Double.toString(p99Millis));
        p.setProperty("max_ms", Double.toString(maxMillis));
        p.setProperty("mean_ms", Double.toString(meanMillis));
        proxyDelta.forEach((k, v) -> p.setProperty(PROXY_PREFIX + k, Long.toString(v)));
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
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith(PROXY_PREFIX)) {
                proxy.put(name.substring(PROXY_PREFIX.length()), Long.parseLong(p.getProperty(name)));
            }
        }
        return new LoadResult(
                Long.parseLong(p.getProperty("requests")),
                Long.parseLong(p.getProperty("errors")),
                Long.parseLong(p.getProperty("warmup_requests")),
                Long.parseLong(p.getProperty("warmup_errors")),
                Double.parseDouble(p.getProperty("window_seconds")),
                Double.parseDouble(p.getProperty("p50_ms")),
                Double.parseDouble(p.getProperty("p90_ms")),
                Double.parseDouble(p.getProperty("p99_ms")),
                Double.parseDouble(p.getProperty("max_ms")),
                Double.parseDouble(p.getProperty("mean_ms")),
                proxy);
    }

    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "%d requests in %.1f s = %.0f req/s, errors %d, latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
                requests, windowSeconds, requestsPerSecond(), errors, p50Millis, p90Millis, p99Millis, maxMillis);
    }
}
