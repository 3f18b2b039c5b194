package io.httppool.demo.report;

/**
 * One measured run: one proxy variant against one backend scheme.
 *
 * @param name                     before, after, reference or toggled-off
 * @param client                   the proxy's HTTP client library ({@code compare --client}), e.g. apache5
 * @param scheme                   http or https (proxy to backend; the load driver always talks HTTP to the proxy)
 * @param requests                 successful requests in the measured window
 * @param upstreamConnections      TCP connections the backend accepted during the whole run (warm-up included)
 * @param tlsHandshakes            TLS handshakes the backend completed during the whole run
 * @param allocatedBytesPerRequest heap bytes allocated in the proxy JVM per forwarded request
 * @param cpuMillisPerRequest      proxy process CPU time per forwarded request
 * @param liveThreads              live threads in the proxy JVM at the end of the measured window
 * @param peakThreads              the most live threads the proxy JVM had at any time up to then
 * @param startupMillis            from launching the proxy JVM to its ready line
 * @param firstRequestMillis       latency of the first request through the fresh proxy, sent alone before the load
 * @param firstHalfRps             throughput in the first half of the measured window
 * @param secondHalfRps            throughput in the second half: close to the first when the window is steady
 * @param warmupSeconds            how long the warm-up before the window lasted; NaN when not known
 * @param jitSettled               whether the warm-up ended because the proxy's JIT had been idle for 5 s,
 *                                 rather than at its cap
 */
public record RunResult(String name, String client, String scheme, boolean agentAttached, String proxyClient,
                        long requests, double requestsPerSecond, double p50Millis, double p99Millis,
                        long errors, long upstreamConnections, long tlsHandshakes,
                        double allocatedBytesPerRequest, double cpuMillisPerRequest,
                        long liveThreads, long peakThreads, double startupMillis, double firstRequestMillis,
                        double firstHalfRps, double secondHalfRps, double warmupSeconds, boolean jitSettled) {

    /** Second half over first half of the window's throughput; NaN when the first half had none. */
    public double halvesRatio() {
        return firstHalfRps > 0 ? secondHalfRps / firstHalfRps : Double.NaN;
    }

    /** Whether the warm-up is known and ended without the proxy's JIT having settled (at its cap). */
    public boolean warmupEndedUnsettled() {
        return !jitSettled && !Double.isNaN(warmupSeconds);
    }
}
