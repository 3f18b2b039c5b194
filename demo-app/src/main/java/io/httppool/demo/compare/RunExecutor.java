package io.httppool.demo.compare;

import io.httppool.demo.backend.SelfSignedCertificate;
import io.httppool.demo.common.Counters;
import io.httppool.demo.load.LoadResult;
import io.httppool.demo.report.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run: start the proxy variant in a fresh JVM, read the backend's counters, drive load from
 * another JVM, read the counters again, stop the proxy, and turn it all into a {@link RunResult}.
 */
final class RunExecutor {

    /** The same heap for every proxy, so GC settings do not differ between the runs compared. */
    private static final List<String> PROXY_HEAP = List.of("-Xms512m", "-Xmx512m");
    private static final List<String> LOAD_HEAP = List.of("-Xms256m", "-Xmx256m");

    private final CompareSettings settings;
    private final BackendProcess backend;
    private final Path agentJar;
    private final Progress progress;

    RunExecutor(CompareSettings settings, BackendProcess backend, Path agentJar, Progress progress) {
        this.settings = settings;
        this.backend = backend;
        this.agentJar = agentJar;
        this.progress = progress;
    }

    /**
     * Load straight at the backend before the first run: otherwise the first run ("before" over
     * HTTP) would also pay for the backend JVM's JIT warm-up, and no other run would.
     */
    void warmUpBackend(int seconds) throws IOException, InterruptedException {
        Path log = settings.out().resolve("logs").resolve("backend-warmup-load.log");
        List<String> arguments = List.of(
                "--url", backend.baseUrl("http"),
                "--concurrency", String.valueOf(settings.concurrency()),
                "--seconds", String.valueOf(seconds),
                "--warmup", "0");
        try (ChildJvm load = ChildJvm.start("load", LOAD_HEAP, arguments, Map.of(), log)) {
            if (load.waitFor(Duration.ofSeconds(seconds + 60)) != 0) {
                throw new IOException("warming up the backend failed; see " + log + ":\n" + load.tail());
            }
        }
    }

    RunResult run(int index, String scheme, Variant variant) throws IOException, InterruptedException {
        String id = scheme + "-" + variant.label;
        Path logs = settings.out().resolve("logs");
        Path resultFile = settings.out().resolve("runs").resolve(id + ".properties");
        Files.createDirectories(resultFile.getParent());
        Files.deleteIfExists(resultFile);

        progress.starting(index, scheme, variant.label, "starting the proxy" + (variant.agent ? " with the agent" : ""));
        try (ChildJvm proxy = ChildJvm.start("proxy", proxyJvmOptions(scheme, variant),
                List.of("--upstream", backend.baseUrl(scheme), "--client", settings.client().cliName(),
                        "--mode", variant.mode.cliName(),
                        "--threads", String.valueOf(settings.proxyThreads())),
                proxyEnvironment(variant), logs.resolve(id + "-proxy.log"))) {
            Map<String, String> ready = proxy.awaitReady(Duration.ofSeconds(60));
            String proxyUrl = "http://127.0.0.1:" + ready.get("port");

            Map<String, Long> countersBefore = backend.counters();
            LoadResult load = drive(index, scheme, variant, proxyUrl, resultFile, logs.resolve(id + "-load.log"));
            Map<String, Long> upstream = Counters.delta(countersBefore, backend.counters());

            if (!proxy.isAlive()) {
                throw new IOException("the " + id + " proxy died during the run; see " + proxy.log() + ":\n" + proxy.tail());
            }
            if (variant.agent && proxy.agentLines().isEmpty()) {
                progress.message("warning: the " + id + " proxy ran with -javaagent but the agent printed no "
                        + ChildJvm.AGENT_MARKER + " line; see " + proxy.log());
            }
            RunResult result = toResult(scheme, variant, load, upstream);
            progress.finished(index, scheme, variant.label, String.format(Locale.ROOT,
                    "%,.0f req/s, p99 %.2f ms, %,d upstream connections, %,d TLS handshakes, %d errors",
                    result.requestsPerSecond(), result.p99Millis(), result.upstreamConnections(),
                    result.tlsHandshakes(), result.errors()));
            return result;
        }
    }

    private LoadResult drive(int index, String scheme, Variant variant, String proxyUrl, Path resultFile, Path log)
            throws IOException, InterruptedException {
        List<String> arguments = List.of(
                "--url", proxyUrl,
                "--concurrency", String.valueOf(settings.concurrency()),
                "--seconds", String.valueOf(settings.seconds()),
                "--warmup", String.valueOf(settings.warmup()),
                "--stats-url", proxyUrl + "/admin/stats",
                "--result", resultFile.toString());
        try (ChildJvm load = ChildJvm.start("load", LOAD_HEAP, arguments, Map.of(), log)) {
            long start = System.nanoTime();
            // Generous: JVM start, warm-up, window, and in-flight requests finishing (client timeout 30 s).
            long limit = start + Duration.ofSeconds(settings.warmup() + settings.seconds() + 90).toNanos();
            while (load.isAlive()) {
                if (System.nanoTime() > limit) {
                    throw new IOException("the load driver did not finish in time; see " + log);
                }
                progress.running(index, scheme, variant.label, (System.nanoTime() - start) / 1e9,
                        settings.warmup(), settings.seconds());
                Thread.sleep(250);
            }
            int exit = load.waitFor(Duration.ofSeconds(10));
            if (exit != 0 || !Files.exists(resultFile)) {
                throw new IOException("the load driver failed (exit " + exit + "); see " + log + ":\n" + load.tail());
            }
            return LoadResult.read(resultFile);
        }
    }

    private List<String> proxyJvmOptions(String scheme, Variant variant) {
        List<String> options = new ArrayList<>(PROXY_HEAP);
        options.add("-Dsun.net.httpserver.nodelay=true");
        if (scheme.equals("https")) {
            // The naive proxy keeps the plain default client; trust comes the standard JSSE way.
            options.add("-Djavax.net.ssl.trustStore=" + backend.trustStore());
            options.add("-Djavax.net.ssl.trustStorePassword=" + SelfSignedCertificate.PASSWORD);
            options.add("-Djavax.net.ssl.trustStoreType=PKCS12");
        }
        if (variant.agent) {
            options.add("-javaagent:" + agentJar);
        }
        return options;
    }

    private static Map<String, String> proxyEnvironment(Variant variant) {
        Map<String, String> env = new HashMap<>();
        if (variant.poolEnabled != null) {
            env.put("HTTP_POOL_ENABLED", variant.poolEnabled);
        }
        return env;
    }

    private RunResult toResult(String scheme, Variant variant, LoadResult load, Map<String, Long> upstream) {
        Map<String, Long> proxy = load.proxyDelta();
        long forwarded = proxy.getOrDefault("forwarded", 0L);
        double allocPerRequest = forwarded == 0 ? Double.NaN : proxy.getOrDefault("allocated_bytes", 0L) / (double) forwarded;
        double cpuPerRequest = forwarded == 0 ? Double.NaN : proxy.getOrDefault("cpu_nanos", 0L) / 1e6 / forwarded;
        long connections = upstream.getOrDefault(scheme.equals("https") ? "https_connections" : "http_connections", 0L);
        return new RunResult(variant.label, settings.client().cliName(), scheme, variant.agent, variant.proxyClient(),
                load.requests(), load.requestsPerSecond(), load.p50Millis(), load.p99Millis(),
                load.errors(), connections, upstream.getOrDefault("tls_handshakes", 0L),
                allocPerRequest, cpuPerRequest);
    }
}
