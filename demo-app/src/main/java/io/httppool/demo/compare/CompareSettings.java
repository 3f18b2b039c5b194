package io.httppool.demo.compare;

import io.httppool.demo.proxy.UpstreamClient;
import java.nio.file.Path;
import java.util.List;

/**
 * The options of one {@code compare}.
 *
 * @param warmup    the shortest warm-up per run, seconds
 * @param maxWarmup the longest, seconds: the warm-up ends here even if the proxy's JIT is still at work
 */
record CompareSettings(UpstreamClient client, int seconds, int warmup, int maxWarmup, int concurrency, Path out, String agentJarOverride,
                       List<String> schemes, List<Variant> variants, int repeat) {

    boolean needsAgent() {
        return variants.stream().anyMatch(v -> v.agent);
    }

    /**
     * One proxy worker per client plus headroom: a worker is held for a whole upstream call, and
     * fewer workers than clients would queue requests inside the proxy and blur the comparison.
     */
    int proxyThreads() {
        return Math.max(32, concurrency * 2);
    }
}
