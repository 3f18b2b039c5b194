package io.httppool.demo.compare;

import io.httppool.demo.backend.SelfSignedCertificate;
import io.httppool.demo.common.Counters;
import io.httppool.demo.load.LoadDriver;
import io.httppool.demo.load.LoadResult;
import io.httppool.demo.report.RunResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One run: start the proxy variant in a fresh JVM, read the backend's counters, send the first
 * request, drive load, read the counters again, stop the proxy, and turn it all into a
 * {@link RunResult}.
 *
 * <p>The load driver runs in this JVM, not in one of its own per run: a fresh load JVM would warm
 * up its own JIT during every run's warm-up and window (alone against the backend it needs 3-4 s to
 * reach full speed), so the window would measure the instrument as well as the proxy. Here it is
 * warmed up against the backend before the first run and stays warm.
 */
final class RunExecutor {

    /** The same heap for every proxy, so GC settings do not differ between the runs compared. */
    private static final List<String> PROXY_HEAP = List.of("-Xms512m", "-Xmx512m");
    /** Distinct session ids the load spreads over (the load command's default). */
    private static final int SESSIONS = 1000;

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
     * Load straight at the backend before the first run, over each scheme compared: otherwise the
     * first run of a scheme would also pay for the backend JVM's JIT warm-up and the later ones
     * would not (over HTTPS, the reference would profit from the TLS code the after run warmed up).
     * It warms up this JVM's load driver too.
     */
    void warmUpBackend(int seconds) throws IOException, InterruptedException, GeneralSecurityException {
        Path log = settings.out().resolve("logs").resolve("backend-warmup-load.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "");
        for (String scheme : settings.schemes()) {
            SSLContext tls = scheme.equals("https") ? trustingBackend() : null;
            LoadResult result = new LoadDriver(new LoadDriver.Settings(URI.create(backend.baseUrl(scheme)),
                    settings.concurrency(), Duration.ZERO, Duration.ofSeconds(seconds), SESSIONS, null, tls)).run();
            Files.writeString(log, "load (" + scheme + "): " + result.summary() + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            // No answer at all can just mean a slow first TLS handshake in a cold JVM; errors only can not.
            if (result.requests() == 0 && result.errors() > 0) {
                throw new IOException("warming up the backend over " + scheme + " failed: no request succeeded ("
                        + result.summary() + ")");
            }
        }
    }

    /** A client context trusting the backend's certificate, from the trust store it wrote. */
    private SSLContext trustingBackend() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(backend.trustStore())) {
            trust.load(in, SelfSignedCertificate.PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /**
     * The name of a run's files in {@code logs/} and {@code runs/}: {@code https-after}, and with
     * {@code --repeat} the round too ({@code https-after-2}), so that no round overwrites another's logs.
     */
    static String runId(String scheme, Variant variant, int round, int repeat) {
        return scheme + "-" + variant.label + (repeat > 1 ? "-" + (round + 1) : "");
    }

    /** @param round from 0 */
    RunResult run(int index, String scheme, Variant variant, int round) throws IOException, InterruptedException {
        String id = runId(scheme, variant, round, settings.repeat());
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
            progress.starting(index, scheme, variant.label, "first request");
            double firstRequest = FirstRequest.millis(proxyUrl);
            LoadResult load = drive(index, scheme, variant, proxyUrl, resultFile, logs.resolve(id + "-load.log"));
            Map<String, Long> upstream = Counters.delta(countersBefore, backend.counters());

            if (!proxy.isAlive()) {
                throw new IOException("the " + id + " proxy died during the run; see " + proxy.log() + ":\n" + proxy.tail());
            }
            if (variant.agent && proxy.agentLines().isEmpty()) {
                progress.message("warning: the " + id + " proxy ran with -javaagent but the agent printed no "
                        + ChildJvm.AGENT_MARKER + " line; see " + proxy.log());
            }
            RunResult result = toResult(scheme, variant, load, upstream, proxy.startupMillis(), firstRequest);
            progress.finished(index, scheme, variant.label, String.format(Locale.ROOT,
                    "%,.0f req/s, p99 %.2f ms, %,d upstream connections, %,d TLS handshakes, %d errors, "
                            + "%d threads, start-up %.0f ms, first request %.0f ms, warm-up %.1f s (%s), window halves %,.0f / %,.0f req/s",
                    result.requestsPerSecond(), result.p99Millis(), result.upstreamConnections(),
                    result.tlsHandshakes(), result.errors(), result.liveThreads(), result.startupMillis(),
                    result.firstRequestMillis(), result.warmupSeconds(), result.jitSettled() ? "JIT settled" : "at the cap",
                    result.firstHalfRps(), result.secondHalfRps()));
            return result;
        }
    }

    private LoadResult drive(int index, String scheme, Variant variant, String proxyUrl, Path resultFile, Path log)
            throws IOException, InterruptedException {
        LoadDriver driver = new LoadDriver(new LoadDriver.Settings(URI.create(proxyUrl), settings.concurrency(),
                Duration.ofSeconds(settings.warmup()), Duration.ofSeconds(settings.maxWarmup()),
                Duration.ofSeconds(settings.seconds()), SESSIONS, proxyUrl + "/admin/stats", null));
        FutureTask<LoadResult> task = new FutureTask<>(driver::run);
        Thread thread = new Thread(task, "load-driver");
        thread.setDaemon(true);
        long start = System.nanoTime();
        thread.start();
        // Generous: the longest warm-up, window, and in-flight requests finishing (client timeout 30 s).
        long limit = start + Duration.ofSeconds(settings.maxWarmup() + settings.seconds() + 60).toNanos();
        LoadResult result;
        while (true) {
            try {
                result = task.get(250, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                if (System.nanoTime() > limit) {
                    task.cancel(true);
                    throw new IOException("the load driver did not finish in time");
                }
                progress.running(index, scheme, variant.label, (System.nanoTime() - start) / 1e9,
                        driver.warmupSeconds(), settings.maxWarmup(), settings.seconds());
            } catch (ExecutionException e) {
                throw new IOException("the load driver failed: " + e.getCause(), e.getCause());
            }
        }
        result.write(resultFile);
        Files.writeString(log, "load: " + result.summary() + System.lineSeparator()
                + "load: proxy counters over the window: " + result.proxyDelta() + System.lineSeparator()
                + "load: successful requests per second, warm-up first: " + result.timeline() + System.lineSeparator(),
                StandardCharsets.UTF_8);
        return result;
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

    private RunResult toResult(String scheme, Variant variant, LoadResult load, Map<String, Long> upstream,
                               double startupMillis, double firstRequestMillis) {
        Map<String, Long> proxy = load.proxyDelta();
        long forwarded = proxy.getOrDefault("forwarded", 0L);
        double allocPerRequest = forwarded == 0 ? Double.NaN : proxy.getOrDefault("allocated_bytes", 0L) / (double) forwarded;
        double cpuPerRequest = forwarded == 0 ? Double.NaN : proxy.getOrDefault("cpu_nanos", 0L) / 1e6 / forwarded;
        long connections = upstream.getOrDefault(scheme.equals("https") ? "https_connections" : "http_connections", 0L);
        return new RunResult(variant.label, settings.client().cliName(), scheme, variant.agent, variant.proxyClient(),
                load.requests(), load.requestsPerSecond(), load.p50Millis(), load.p99Millis(),
                load.errors(), connections, upstream.getOrDefault("tls_handshakes", 0L),
                allocPerRequest, cpuPerRequest,
                load.proxyEnd().getOrDefault("threads", -1L), load.proxyEnd().getOrDefault("peak_threads", -1L),
                startupMillis, firstRequestMillis, load.firstHalfRequestsPerSecond(), load.secondHalfRequestsPerSecond(),
                load.warmupSeconds(), load.jitSettled());
    }
}
