package io.httppool.demo.jmh;

import io.httppool.demo.backend.SelfSignedCertificate;
import io.httppool.demo.backend.SessionBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The agent's own cost per request: one GET against the in-process backend on loopback, made
 * either the naive way (a new default client per request) or through one hand-shared pooled client.
 *
 * <p>{@link BenchmarkMain} runs this class in two forks, without and with {@code -javaagent}. With the
 * agent, {@code clientPerRequest} builds a client on the agent's shared pool: its difference to
 * {@code sharedClient} without the agent is what the agent costs per request compared with fixing
 * the code by hand (building the per-request client object plus the agent's own bookkeeping).
 * {@link BenchmarkMain} runs it with 1 thread (cost) and 8 threads (cost plus contention on the one
 * shared pool); the state is per benchmark, so the threads share the hand-shared client, as a
 * service's request threads would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
public class PerRequestBenchmark {

    @Param({"http"})
    public String scheme;

    private SessionBackend backend;
    private CloseableHttpClient shared;
    private String url;

    @Setup(Level.Trial)
    public void start() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(Files.createTempDirectory("jmh-tls"));
        // Set before any client exists: default clients read the trust store when they are built.
        System.setProperty("javax.net.ssl.trustStore", certificate.trustStore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", SelfSignedCertificate.PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        backend = SessionBackend.start(certificate.serverContext(), 0, 0, 0);
        int port = scheme.equals("https") ? backend.httpsPort() : backend.httpPort();
        url = scheme + "://127.0.0.1:" + port + "/sessions/bench/state";
        shared = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(100).setMaxConnPerRoute(100).build())
                .build();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        shared.close();
        backend.close();
    }

    /** The naive code; with the agent attached, the code the agent fixes. */
    @Benchmark
    public int clientPerRequest() throws IOException {
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            return get(client);
        }
    }

    /** The reference: one client for all requests. */
    @Benchmark
    public int sharedClient() throws IOException {
        return get(shared);
    }

    private int get(CloseableHttpClient client) throws IOException {
        return client.execute(new HttpGet(url), response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }
}
