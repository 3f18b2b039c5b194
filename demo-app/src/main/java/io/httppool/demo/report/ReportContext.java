package io.httppool.demo.report;

import java.time.Instant;

/** How the runs were made, printed with the results so a number never travels without its setting. */
public record ReportContext(Instant generatedAt, int concurrency, int seconds, int warmupSeconds, int repeat,
                            String agentJar, String javaVersion, int cpus, String os) {
}
