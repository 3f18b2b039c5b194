package io.httppool.demo.load;

import io.httppool.demo.common.Counters;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * A closed-loop load generator: {@code concurrency} threads, each sending its next request as soon
 * as the previous one has answered, first for a warm-up (JIT, connection set-up) that is not
 * recorded, then for the measured window. The warm-up lasts at least {@code warmup}; with a stats
 * URL it goes on until the proxy's JIT compiler has settled, at most until {@code maxWarmup}
 * (see {@link WarmupEnd}).
 *
 * <p>All threads share one pooled keep-alive client, so the driver itself opens only
 * {@code concurrency} connections to the proxy and its cost stays the same in every run: what
 * changes between runs is only what happens behind the proxy.
 */
public final class LoadDriver {

    /**
     * @param target   the proxy's base URI; requests go to {@code /sessions/{id}/state}
     * @param sessions how many distinct session ids the requests spread over
     * @param warmup    the shortest warm-up
     * @param maxWarmup the longest: the warm-up ends here even if the proxy's JIT is still at work
     * @param statsUrl  the proxy's {@code /admin/stats}, read during the warm-up (for its JIT time) and at both
     *                  ends of the window; may be null, and then the warm-up is {@code warmup} exactly
     * @param tls       for an https target: the context that trusts it; null for the JVM's default
     */
    public record Settings(URI target, int concurrency, Duration warmup, Duration maxWarmup, Duration window, int sessions,
                           String statsUrl, SSLContext tls) {

        /** A fixed warm-up. */
        public Settings(URI target, int concurrency, Duration warmup, Duration window, int sessions, String statsUrl,
                        SSLContext tls) {
            this(target, concurrency, warmup, warmup, window, sessions, statsUrl, tls);
        }

        /** A fixed warm-up, over plain HTTP or with the JVM's default trust. */
        public Settings(URI target, int concurrency, Duration warmup, Duration window, int sessions, String statsUrl) {
            this(target, concurrency, warmup, window, sessions, statsUrl, null);
        }
    }

    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    /** How often the proxy's JIT time is read during the warm-up. */
    private static final long WARMUP_POLL_MILLIS = 500;

    /** Highest latency the histograms hold: well above the request timeout. */
    private static final long MAX_MICROS = Duration.ofMinutes(2).toNanos() / 1000;

    private final Settings settings;
    private volatile int phase = WARMUP;
    /** When the first half of the window ends; set before the phase turns to MEASURE. */
    private volatile long windowMiddle;
    /** How long the warm-up lasted, in seconds; NaN while it goes on. */
    private volatile double warmupSeconds = Double.NaN;

    public LoadDriver(Settings settings) {
        this.settings = settings;
    }

    public LoadResult run() throws IOException, InterruptedException {
        try (CloseableHttpClient client = sharedClient(settings.concurrency(), settings.tls())) {
            List<Worker> workers = new ArrayList<>();
            long origin = System.nanoTime();
            // One slot a second for the longest run, one more for an overrun (a slow stats read), and the
            // last one catching anything later: it is never part of the timeline.
            long longest = Math.max(settings.warmup().toMillis(), settings.maxWarmup().toMillis()) + settings.window().toMillis();
            int seconds = (int) Math.ceil(longest / 1000.0) + 2;
            for (int i = 0; i < settings.concurrency(); i++) {
                Worker worker = new Worker(client, i, origin, seconds);
                workers.add(worker);
                worker.thread.start();
            }
            boolean jitSettled = warmUp(origin);

            Map<String, Long> statsBefore = readStats();
            long start = System.nanoTime();
            windowMiddle = start + settings.window().toNanos() / 2;
            warmupSeconds = (start - origin) / 1e9;
            phase = MEASURE;
            Thread.sleep(settings.window().toMillis());
            phase = STOP;
            long end = System.nanoTime();
            Map<String, Long> statsAfter = readStats();

            for (Worker worker : workers) {
                // An in-flight request ends within the client's response timeout.
                worker.thread.join(Duration.ofSeconds(35).toMillis());
            }
            // Whole seconds before the load stopped; the cut-short last one is left out.
            int wholeSeconds = (int) ((end - origin) / 1_000_000_000L);
            return summarize(workers, (end - start) / 1e9, Counters.delta(statsBefore, statsAfter), statsAfter,
                    wholeSeconds, warmupSeconds, jitSettled);
        }
    }

    /** How long the warm-up lasted, in seconds, once it has ended; NaN while it goes on. */
    public double warmupSeconds() {
        return warmupSeconds;
    }

    /** Waits while the workers warm the proxy up, until {@link WarmupEnd} ends it; true if the proxy's JIT settled. */
    private boolean warmUp(long origin) throws InterruptedException {
        WarmupEnd warmupEnd = new WarmupEnd(settings.warmup(), settings.maxWarmup());
        while (true) {
            long jit = jitMillis();
            long elapsed = (System.nanoTime() - origin) / 1_000_000;
            WarmupEnd.Decision decision = warmupEnd.check(elapsed, jit);
            if (decision != WarmupEnd.Decision.GO_ON) {
                return decision == WarmupEnd.Decision.JIT_SETTLED;
            }
            long sleep = warmupEnd.nextCheck(elapsed, WARMUP_POLL_MILLIS) - (System.nanoTime() - origin) / 1_000_000;
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
        }
    }

    /** The proxy's JIT compilation time so far, or {@link WarmupEnd#NO_READING}. */
    private long jitMillis() {
        if (settings.statsUrl() == null) {
            return WarmupEnd.NO_READING;
        }
        try {
            return Counters.fetch(settings.statsUrl()).getOrDefault("jit_millis", WarmupEnd.NO_READING);
        } catch (IOException e) {
            // One missed reading is no evidence either way; the warm-up ends at the cap at the latest.
            return WarmupEnd.NO_READING;
        }
    }

    private Map<String, Long> readStats() throws IOException {
        return settings.statsUrl() == null ? Map.of() : Counters.fetch(settings.statsUrl());
    }

    private static CloseableHttpClient sharedClient(int concurrency, SSLContext tls) {
        PoolingHttpClientConnectionManagerBuilder connections = PoolingHttpClientConnectionManagerBuilder.create();
        if (tls != null) {
            connections.setTlsSocketStrategy(ClientTlsStrategyBuilder.create().setSslContext(tls).buildClassic());
        }
        return HttpClients.custom()
                .setConnectionManager(connections
                        .setMaxConnTotal(concurrency)
                        .setMaxConnPerRoute(concurrency)
                        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(5))
                                .setSocketTimeout(Timeout.ofSeconds(30))
                                .build())
                        .build())
                // A retried request would hide an error and count twice in the latency.
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableRedirectHandling()
                .build();
    }

    private LoadResult summarize(List<Worker> workers, double windowSeconds, Map<String, Long> proxyDelta,
                                 Map<String, Long> proxyEnd, int wholeSeconds, double warmupSeconds, boolean jitSettled) {
        Histogram all = new Histogram(MAX_MICROS, 3);
        long requests = 0;
        long errors = 0;
        long warmupRequests = 0;
        long warmupErrors = 0;
        long firstHalf = 0;
        long[] perSecond = new long[workers.isEmpty() ? 0 : workers.get(0).perSecond.length];
        for (Worker w : workers) {
            for (int i = 0; i < perSecond.length; i++) {
                perSecond[i] += w.perSecond[i];
            }
            all.add(w.latencies);
            requests += w.requests;
            firstHalf += w.firstHalf;
            errors += w.errors;
            warmupRequests += w.warmupRequests;
            warmupErrors += w.warmupErrors;
        }
        boolean any = all.getTotalCount() > 0;
        return new LoadResult(requests, errors, warmupRequests, warmupErrors, windowSeconds, firstHalf, requests - firstHalf,
                any ? all.getValueAtPercentile(50) / 1000.0 : 0,
                any ? all.getValueAtPercentile(90) / 1000.0 : 0,
                any ? all.getValueAtPercentile(99) / 1000.0 : 0,
                any ? all.getMaxValue() / 1000.0 : 0,
                any ? all.getMean() / 1000.0 : 0,
                proxyDelta, proxyEnd, timeline(perSecond, wholeSeconds), warmupSeconds, jitSettled);
    }

    /**
     * Successful requests per second of the whole run, warm-up first: its first {@code wholeSeconds}
     * (the actual warm-up and the window), without the last slot, which catches any answer later than those.
     */
    private static List<Long> timeline(long[] perSecond, int wholeSeconds) {
        List<Long> timeline = new ArrayList<>();
        for (int i = 0; i < Math.min(wholeSeconds, perSecond.length - 1); i++) {
            timeline.add(perSecond[i]);
        }
        return timeline;
    }

    /** One closed-loop client. Its fields are read by the driver only after the thread ended. */
    private final class Worker implements Runnable {
        final Thread thread;
        final CloseableHttpClient client;
        final Histogram latencies = new Histogram(MAX_MICROS, 3);
        long requests;
        /** Of {@link #requests}, those answered in the first half of the window. */
        long firstHalf;
        long errors;
        long warmupRequests;
        long warmupErrors;
        /** Successful answers per second since {@code origin}, warm-up and window alike. */
        final long[] perSecond;
        final long origin;

        Worker(CloseableHttpClient client, int index, long origin, int seconds) {
            this.client = client;
            this.origin = origin;
            this.perSecond = new long[seconds];
            this.thread = new Thread(this, "load-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            String base = settings.target().toString().replaceAll("/+$", "") + "/sessions/";
            while (phase != STOP) {
                String url = base + ThreadLocalRandom.current().nextInt(1, settings.sessions() + 1) + "/state";
                long start = System.nanoTime();
                boolean ok = send(url);
                long micros = (System.nanoTime() - start) / 1000;
                // Attributed to the phase in which the answer arrived.
                int now = phase;
                if (ok && now != STOP) {
                    int second = (int) ((start + micros * 1000 - origin) / 1_000_000_000L);
                    perSecond[Math.min(Math.max(second, 0), perSecond.length - 1)]++;
                }
                if (now == MEASURE) {
                    if (ok) {
                        requests++;
                        if (start + micros * 1000 < windowMiddle) {
                            firstHalf++;
                        }
                        latencies.recordValue(Math.min(micros, MAX_MICROS));
                    } else {
                        errors++;
                    }
                } else if (now == WARMUP) {
                    warmupRequests++;
                    if (!ok) {
                        warmupErrors++;
                    }
                }
            }
        }

        private boolean send(String url) {
            try {
                int status = client.execute(new HttpGet(url), response -> {
                    EntityUtils.consume(response.getEntity());
                    return response.getCode();
                });
                return status == 200;
            } catch (IOException | RuntimeException e) {
                pauseAfterError();
                return false;
            }
        }

        /** Keeps a dead proxy from turning the driver into a busy loop of connection errors. */
        private void pauseAfterError() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                phase = STOP;
            }
        }
    }
}
