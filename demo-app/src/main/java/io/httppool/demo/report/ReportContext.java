package io.httppool.demo.report;

import java.time.Instant;

/**
 * How the runs were made, printed with the results so a number never travels without its setting.
 *
 * @param warmupSeconds    the shortest warm-up per run ({@code --warmup})
 * @param maxWarmupSeconds the longest ({@code --max-warmup}); in between, a warm-up ends once the proxy's
 *                         JIT compiler has been idle for 5 s
 */
public record ReportContext(Instant generatedAt, Client client, int concurrency, int seconds, int warmupSeconds,
                            int maxWarmupSeconds, int repeat,
                            String agentJar, String javaVersion, int cpus, String os) {

    /**
     * The proxy's HTTP client library of the comparison.
     *
     * @param name       {@code compare --client}, e.g. okhttp
     * @param library    for people, e.g. "OkHttp 4"
     * @param naiveHabit what the before/after/toggled-off proxy code does per request
     * @param sharedFix  what the reference proxy does instead
     */
    public record Client(String name, String library, String naiveHabit, String sharedFix) {
    }
}
