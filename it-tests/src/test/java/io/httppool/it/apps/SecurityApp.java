package io.httppool.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HttpsSupport;
import org.apache.hc.client5.http.ssl.TrustAllStrategy;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.ssl.SSLContexts;

/**
 * Per-request-client habits around security-relevant connection state, driven by stdin (one command per
 * line, one result line each, as {@link InteractiveApp}): {@code OK <status> <url-encoded body>} or
 * {@code ERR <exception class> <url-encoded message>}. Every request builds a new client and closes it.
 *
 * <pre>
 * GET &lt;url&gt;                          HttpClients.createDefault(), one GET
 * TOKEN &lt;user|-&gt; &lt;url&gt;               HttpClients.createDefault(), a GET whose HttpClientContext carries
 *                                     that user token (none for -): HttpClient keeps connections per token
 * STATELESS &lt;variant&gt; &lt;url&gt;          a client without connection state: disabled (disableConnectionState()),
 *                                     handler (its own UserTokenHandler); with -manager, also
 *                                     setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().build())
 * PROXY &lt;port&gt; &lt;user:pass|-&gt; &lt;url&gt;    a client with setProxy(127.0.0.1:port), and Basic credentials for the
 *                                     proxy unless -
 * PROXYSEQ &lt;n&gt; &lt;port&gt; &lt;user:pass|-&gt; &lt;url&gt;   ONE such client for n GETs (a control: it keeps its connection)
 *                                     -> OK &lt;last status&gt; ok=&lt;n&gt;  |  the first ERR
 * TLS &lt;kind&gt; &lt;url&gt;                   trustall: own trust-all SSLContext (one per JVM) + the default host name
 *                                     verifier; verifying: SSLContext.getDefault() + the same verifier
 *                                     (both through DefaultClientTlsStrategy); default: HttpClients.createDefault()
 * SETUPS &lt;n&gt; &lt;per&gt; &lt;url&gt;             n times a new SSLContext (SSLContexts.createDefault()), each used by
 *                                     &lt;per&gt; per-request clients (DefaultClientTlsStrategy around it)
 *                                     -> OK 0 ok=&lt;count&gt; | ERR (first failure)
 * SHAREDCTX &lt;n&gt; &lt;url&gt;                n per-request clients around ONE SSLContext made for this command
 * TIMES &lt;n&gt; &lt;url&gt;                    n GETs (createDefault), back to back -> OK 0 ok=a failed=b errors=Class:k,...
 * PAR &lt;n&gt; &lt;threads&gt; &lt;url&gt;            n GETs (createDefault) on that many threads -> as TIMES
 * QUIT
 * </pre>
 * Prints {@code READY} once started.
 */
public final class SecurityApp {

    /** The trust-all context of the lenient client: one per JVM, so its setup (and pool) stays the same. */
    private static final SSLContext TRUST_ALL = trustAll();
    /** One host name verifier for both TLS kinds: they differ in trust material only. */
    private static final HostnameVerifier VERIFIER = HttpsSupport.getDefaultHostnameVerifier();

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "security-app-worker");
            t.setDaemon(true);
            return t;
        });
        System.out.println("READY");
        System.out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split(" ");
            String result;
            try {
                switch (p[0]) {
                    case "QUIT":
                        System.out.println("BYE");
                        System.out.flush();
                        return;
                    case "GET":
                        result = get(HttpClients.createDefault(), null, p[1]).line();
                        break;
                    case "TOKEN":
                        result = get(HttpClients.createDefault(), "-".equals(p[1]) ? null : p[1], p[2]).line();
                        break;
                    case "STATELESS":
                        result = get(stateless(p[1]), null, p[2]).line();
                        break;
                    case "PROXY":
                        result = get(proxied(Integer.parseInt(p[1]), p[2]), null, p[3]).line();
                        break;
                    case "PROXYSEQ":
                        result = proxySequence(Integer.parseInt(p[1]), Integer.parseInt(p[2]), p[3], p[4]);
                        break;
                    case "TLS":
                        result = get(tls(p[1]), null, p[2]).line();
                        break;
                    case "SETUPS":
                        result = setups(Integer.parseInt(p[1]), Integer.parseInt(p[2]), p[3]);
                        break;
                    case "SHAREDCTX":
                        result = setups(1, Integer.parseInt(p[1]), p[2]);
                        break;
                    case "TIMES":
                        result = times(Integer.parseInt(p[1]), 1, p[2], workers);
                        break;
                    case "PAR":
                        result = times(Integer.parseInt(p[1]), Integer.parseInt(p[2]), p[3], workers);
                        break;
                    default:
                        result = "ERR " + IllegalArgumentException.class.getName() + " unknown+command";
                }
            } catch (RuntimeException | GeneralSecurityException e) {
                result = "ERR " + e.getClass().getName() + " " + Exchange.enc(String.valueOf(e.getMessage()));
            }
            System.out.println(result);
            System.out.flush();
        }
    }

    /** One GET on {@code client} (closed afterwards), with a user token in its context unless null. */
    private static Exchange.Outcome get(CloseableHttpClient client, String userToken, String url) {
        try (client) {
            HttpClientContext context = HttpClientContext.create();
            if (userToken != null) {
                context.setUserToken(userToken);
            }
            return client.execute(new HttpGet(url), context, response -> new Exchange.Outcome(response.getCode(),
                    response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8), null));
        } catch (IOException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        }
    }

    private static CloseableHttpClient stateless(String variant) {
        HttpClientBuilder builder = HttpClients.custom();
        if (variant.startsWith("disabled")) {
            builder.disableConnectionState();
        } else if (variant.startsWith("handler")) {
            builder.setUserTokenHandler((route, context) -> "token-of-" + route.getTargetHost());
        } else {
            throw new IllegalArgumentException("unknown variant " + variant);
        }
        if (variant.endsWith("-manager")) {
            builder.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().build());
        }
        return builder.build();
    }

    private static CloseableHttpClient proxied(int port, String credentials) {
        return Apache5Library.proxied(ProxyCredentials.of("127.0.0.1:" + port, credentials));
    }

    private static String proxySequence(int n, int port, String credentials, String url) {
        Exchange.Outcome last = null;
        try (CloseableHttpClient client = proxied(port, credentials)) {
            for (int i = 0; i < n; i++) {
                last = Exchange.withClient(client, "GET", url, null);
                if (!last.ok()) {
                    return last.line();
                }
            }
        } catch (IOException e) {
            return new Exchange.Outcome(0, null, e).line();
        }
        return "OK " + last.status + " " + Exchange.enc("ok=" + n);
    }

    private static CloseableHttpClient tls(String kind) throws GeneralSecurityException {
        switch (kind) {
            case "trustall":
                return withTls(TRUST_ALL);
            case "verifying":
                return withTls(SSLContext.getDefault());
            case "default":
                return HttpClients.createDefault();
            default:
                throw new IllegalArgumentException("unknown TLS kind " + kind);
        }
    }

    private static CloseableHttpClient withTls(SSLContext context) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(context, VERIFIER))
                        .build())
                .build();
    }

    private static String setups(int n, int perSetup, String url) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            SSLContext context = SSLContexts.createDefault(); // a new context: a new connection setup
            for (int j = 0; j < perSetup; j++) {
                Exchange.Outcome o = get(withTls(context), null, url);
                if (!o.ok()) {
                    return "ERR " + o.error.getClass().getName() + " "
                            + Exchange.enc(o.error.getMessage() + " (setup " + (i + 1) + ", request " + (j + 1) + ")");
                }
                ok++;
            }
        }
        return "OK 0 " + Exchange.enc("ok=" + ok);
    }

    private static String times(int n, int threads, String url, ExecutorService workers) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        Map<String, Integer> errors = new TreeMap<>();
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(workers.submit(() -> {
                while (next.getAndIncrement() < n) {
                    Exchange.Outcome o = get(HttpClients.createDefault(), null, url);
                    if (o.ok()) {
                        ok.incrementAndGet();
                    } else {
                        synchronized (errors) {
                            errors.merge(o.error.getClass().getName(), 1, Integer::sum);
                        }
                    }
                }
            }));
        }
        for (Future<?> f : tasks) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        StringBuilder text = new StringBuilder("ok=" + ok.get() + " failed=" + (n - ok.get()) + " errors=");
        synchronized (errors) {
            errors.forEach((k, v) -> text.append(k).append(':').append(v).append(','));
        }
        return "OK 0 " + Exchange.enc(text.toString());
    }

    private static SSLContext trustAll() {
        try {
            return SSLContexts.custom().loadTrustMaterial(TrustAllStrategy.INSTANCE).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
