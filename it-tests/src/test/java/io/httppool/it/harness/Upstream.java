package io.httppool.it.harness;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * A WireMock upstream on 127.0.0.1 (HTTP and HTTPS), with a {@link CountingForwarder} in front of
 * each port. Tests send the apps to {@link #http()}/{@link #https()} (through the counters) or to
 * {@link #directHttp()}/{@link #directHttps()} (WireMock itself, e.g. to restart it on the same
 * port).
 *
 * <p>Stubs (same on both ports):
 * <pre>
 * GET /ok        200 "ok"                 GET /notfound  404          GET /error  500
 * GET /redirect  302 -> /ok               GET /empty     204          GET /big    200, 100 KB
 * ANY /echo      200 echoing method, body, User-Agent, X-Client-Habit, X-Intercepted, Cookie
 * GET /login     200 + Set-Cookie: session=s3cr3t-...; Path=/       GET /check  200 "checked"
 * GET /delay/N   200 "slept N" after N ms, N in {@link #DELAYS}
 * </pre>
 */
public final class Upstream implements AutoCloseable {

    public static final List<Integer> DELAYS = List.of(20, 30, 1000, 1500, 2000, 3000);

    /** A mix of responses for the "identical responses" test: every status class, a redirect, a body. */
    public static final String MIXED_PATHS = "/ok,/echo,/notfound,/error,/redirect,/empty,/big";

    private final Path keystore;
    private final boolean http2;
    private volatile WireMockServer wireMock;
    private final CountingForwarder httpCounter;
    private final CountingForwarder httpsCounter;
    private final List<CountingForwarder> extraCounters = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Requests WireMock answered, over every restart (its journal starts empty after each). */
    private final java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int httpPort;
    private volatile int httpsPort;

    private Upstream(Path keystore) {
        this(keystore, false);
    }

    private Upstream(Path keystore, boolean http2) {
        this.keystore = keystore;
        this.http2 = http2;
        this.wireMock = startWireMock(0, 0);
        try {
            this.httpCounter = new CountingForwarder(wireMock.port());
            this.httpsCounter = new CountingForwarder(wireMock.httpsPort());
        } catch (IOException e) {
            wireMock.stop();
            throw new UncheckedIOException(e);
        }
    }

    /** An upstream whose certificate is valid for localhost and 127.0.0.1. */
    public static Upstream start() {
        return new Upstream(Certificates.get().serverKeystore());
    }

    /**
     * An upstream that also speaks HTTP/2: over TLS when the client offers it by ALPN, and in clear text
     * to a client that starts with the HTTP/2 preface (prior knowledge). The others speak HTTP/1.1 only.
     */
    public static Upstream startWithHttp2() {
        return new Upstream(Certificates.get().serverKeystore(), true);
    }

    /** An upstream whose certificate is trusted but issued for another name. */
    public static Upstream startWithWrongName() {
        return new Upstream(Certificates.get().wrongNameKeystore());
    }

    private WireMockServer startWireMock(int httpPort, int httpsPort) {
        WireMockConfiguration options = WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .port(httpPort)
                .httpsPort(httpsPort)
                .keystorePath(keystore.toString())
                .keystoreType("PKCS12")
                .keystorePassword(Certificates.PASSWORD)
                .keyManagerPassword(Certificates.PASSWORD)
                .http2PlainDisabled(!http2)
                .http2TlsDisabled(!http2)
                .containerThreads(120)
                .jettyStopTimeout(1000L)
                .maxRequestJournalEntries(10_000)
                .notifier(new ConsoleNotifier(false));
        WireMockServer server = new WireMockServer(options);
        server.addMockServiceRequestListener((request, response) -> served.incrementAndGet());
        server.start();
        installStubs(server);
        this.httpPort = server.port();
        this.httpsPort = server.httpsPort();
        return server;
    }

    private static void installStubs(WireMockServer wm) {
        wm.stubFor(get(urlPathEqualTo("/ok")).willReturn(aResponse().withStatus(200).withBody("ok")));
        wm.stubFor(any(urlPathEqualTo("/echo")).willReturn(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "text/plain")
                .withBody("method={{request.method}} body={{request.body}}"
                        + " ua={{request.headers.[User-Agent]}}"
                        + " habit={{request.headers.[X-Client-Habit]}}"
                        + " intercepted={{request.headers.[X-Intercepted]}}"
                        + " cookie={{request.headers.[Cookie]}}")
                .withTransformers("response-template")));
        wm.stubFor(get(urlPathEqualTo("/notfound")).willReturn(aResponse().withStatus(404).withBody("not here")));
        wm.stubFor(get(urlPathEqualTo("/error")).willReturn(aResponse().withStatus(500).withBody("boom")));
        wm.stubFor(get(urlPathEqualTo("/redirect")).willReturn(aResponse().withStatus(302).withHeader("Location", "/ok")));
        wm.stubFor(get(urlPathEqualTo("/empty")).willReturn(aResponse().withStatus(204)));
        StringBuilder big = new StringBuilder(100 * 1024);
        for (int i = 0; big.length() < 100 * 1024; i++) {
            big.append("line ").append(i).append(" of a large body\n");
        }
        wm.stubFor(get(urlPathEqualTo("/big")).willReturn(aResponse().withStatus(200).withBody(big.toString())));
        wm.stubFor(get(urlPathEqualTo("/login")).willReturn(aResponse().withStatus(200)
                .withHeader("Set-Cookie", "session=s3cr3t-of-client-a; Path=/")
                .withBody("logged in")));
        wm.stubFor(get(urlPathEqualTo("/check")).willReturn(aResponse().withStatus(200).withBody("checked")));
        for (int ms : DELAYS) {
            // A Content-Length, not WireMock's default chunked encoding: a client can then read the whole body
            // without reading on to its end, which releases the connection (ShutdownHookIT's app prints its
            // result before that release; with a chunked body the release came first, and under CPU load the
            // JVM halted in between).
            String body = "slept " + ms;
            wm.stubFor(get(urlPathEqualTo("/delay/" + ms)).willReturn(aResponse()
                    .withStatus(200).withFixedDelay(ms).withHeader("Content-Length", String.valueOf(body.length()))
                    .withBody(body)));
        }
    }

    /** Through the connection counter. */
    public String http() {
        return "http://127.0.0.1:" + httpCounter.port();
    }

    /** Through the connection counter. */
    public String https() {
        return "https://127.0.0.1:" + httpsCounter.port();
    }

    /** WireMock itself, no counter. */
    public String directHttp() {
        return "http://127.0.0.1:" + wireMock.port();
    }

    /** WireMock itself, no counter. */
    public String directHttps() {
        return "https://127.0.0.1:" + wireMock.httpsPort();
    }

    public CountingForwarder httpCounter() {
        return httpCounter;
    }

    public CountingForwarder httpsCounter() {
        return httpsCounter;
    }

    /**
     * A further counter in front of WireMock's HTTP or HTTPS port, with its own port (so its own
     * route for the client): lets one app run count several habits separately.
     * Its base URL is {@link #baseOf(CountingForwarder, boolean)}.
     */
    public CountingForwarder newCounter(boolean https) {
        try {
            CountingForwarder f = new CountingForwarder(https ? wireMock.httpsPort() : wireMock.port());
            extraCounters.add(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String baseOf(CountingForwarder counter, boolean https) {
        return (https ? "https" : "http") + "://127.0.0.1:" + counter.port();
    }

    /** The counter in front of this base URL ({@link #http()}, {@link #https()} or a {@link #newCounter}). */
    public CountingForwarder counterFor(String base) {
        if (base.equals(http())) {
            return httpCounter;
        }
        if (base.equals(https())) {
            return httpsCounter;
        }
        for (CountingForwarder f : extraCounters) {
            if (base.endsWith(":" + f.port())) {
                return f;
            }
        }
        throw new IllegalArgumentException("no counter in front of " + base);
    }

    public WireMockServer wireMock() {
        return wireMock;
    }

    /** Requests WireMock received at that path (its journal). */
    public List<LoggedRequest> requestsTo(String path) {
        return wireMock.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(urlPathEqualTo(path)));
    }

    /** Zeroes both connection counters (after connections of earlier runs are gone) and the journal. */
    public void reset() {
        httpCounter.reset();
        httpsCounter.reset();
        extraCounters.forEach(CountingForwarder::reset);
        wireMock.resetRequests();
    }

    /** Requests WireMock answered since this upstream started, over restarts and {@link #down()}s. */
    public int served() {
        return served.get();
    }

    /**
     * The whole upstream goes away, counters included: every connection is closed and new ones are
     * refused (a {@code ConnectException}) on the counted ports and on WireMock's own, until {@link #up()}.
     */
    public void down() {
        httpCounter.stopListening();
        httpsCounter.stopListening();
        extraCounters.forEach(CountingForwarder::stopListening);
        wireMock.stop();
    }

    /** After {@link #down()}: WireMock and every counter listen again on the same ports. */
    public void up() {
        startOnSamePorts();
        httpCounter.startListening();
        httpsCounter.startListening();
        extraCounters.forEach(CountingForwarder::startListening);
    }

    /**
     * {@link #down()} then at once {@link #up()}: an upstream restart as clients of the counted ports
     * see it (connections closed, refused while it is down), in contrast to {@link #restart()}.
     */
    public void restartAll() {
        down();
        up();
    }

    /**
     * Stops WireMock (closing every connection it has) and starts a new one on the same HTTP and
     * HTTPS ports with the same stubs, as an upstream restart does.
     */
    public void restart() {
        wireMock.stop();
        startOnSamePorts();
    }

    private void startOnSamePorts() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                wireMock = startWireMock(httpPort, httpsPort);
                return;
            } catch (RuntimeException e) { // port still held for a moment
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }

    @Override
    public void close() {
        httpCounter.close();
        httpsCounter.close();
        extraCounters.forEach(CountingForwarder::close);
        wireMock.stop();
    }
}
