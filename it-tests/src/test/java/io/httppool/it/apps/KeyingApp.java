package io.httppool.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.function.Resolver;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.Timeout;

/**
 * Per-request clients whose connection managers come from {@code PoolingHttpClientConnectionManagerBuilder}
 * set up in one named way each, driven by stdin (one command per line, one result line each, as
 * {@link SecurityApp}): {@code OK <status> <url-encoded body>} or {@code ERR <exception class> <message>}.
 *
 * <pre>
 * GET &lt;setup&gt; &lt;url&gt;   HttpClients.custom().setConnectionManager(builder set up as &lt;setup&gt;, built).build(),
 *                      one GET, client closed
 * QUIT
 * </pre>
 * A setup differs from a plain builder in one part only. "new" objects are made for every request (equal
 * by value: the same class and final fields); "-1"/"-2" are two JVM-wide instances of one class with a
 * mutable field (equal only to themselves). Every resolver answers like the library's default, and the
 * DNS resolvers also resolve {@value #TEST_HOST} to 127.0.0.1, a name no real DNS knows. Prints
 * {@code READY} once started.
 */
public final class KeyingApp {

    /** A host name only the app's own DNS resolvers know (the {@code .test} domain is reserved). */
    public static final String TEST_HOST = "keying.test";

    private static final CountingDnsResolver DNS_1 = new CountingDnsResolver();
    private static final CountingDnsResolver DNS_2 = new CountingDnsResolver();
    private static final CountingSchemePortResolver PORT_1 = new CountingSchemePortResolver();
    private static final CountingSchemePortResolver PORT_2 = new CountingSchemePortResolver();
    private static final CountingSocketConfigResolver SOCKET_1 = new CountingSocketConfigResolver();
    private static final CountingSocketConfigResolver SOCKET_2 = new CountingSocketConfigResolver();
    private static final CountingConnectionFactory FACTORY_1 = new CountingConnectionFactory();
    private static final CountingConnectionFactory FACTORY_2 = new CountingConnectionFactory();

    /** Each setup: what it sets on a new builder (evaluated per request, so "new" objects are new each time). */
    private static final Map<String, Consumer<PoolingHttpClientConnectionManagerBuilder>> SETUPS = Map.ofEntries(
            Map.entry("plain", b -> { }),
            // DNS resolver
            Map.entry("dns:loopback", b -> b.setDnsResolver(new LoopbackDnsResolver())),
            Map.entry("dns:other-loopback", b -> b.setDnsResolver(new OtherLoopbackDnsResolver())),
            Map.entry("dns:fixed", b -> b.setDnsResolver(new FixedDnsResolver(loopback()))),
            Map.entry("dns:counting-1", b -> b.setDnsResolver(DNS_1)),
            Map.entry("dns:counting-2", b -> b.setDnsResolver(DNS_2)),
            // scheme-port resolver
            Map.entry("port:default", b -> b.setSchemePortResolver(new DefaultSchemePortResolver())),
            Map.entry("port:explicit", b -> b.setSchemePortResolver(new ExplicitPortResolver())),
            Map.entry("port:counting-1", b -> b.setSchemePortResolver(PORT_1)),
            Map.entry("port:counting-2", b -> b.setSchemePortResolver(PORT_2)),
            // socket config
            Map.entry("socket:timeout-5s", b -> b.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(Timeout.ofSeconds(5)).build())),
            Map.entry("socket:timeout-6s", b -> b.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(Timeout.ofSeconds(6)).build())),
            Map.entry("socket:nodelay-on", b -> b.setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())),
            Map.entry("socket:nodelay-off", b -> b.setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(false).build())),
            Map.entry("socket:resolver-1", b -> b.setSocketConfigResolver(SOCKET_1)),
            Map.entry("socket:resolver-2", b -> b.setSocketConfigResolver(SOCKET_2)),
            // connection factory
            Map.entry("factory:default", b -> b.setConnectionFactory(ManagedHttpClientConnectionFactory.builder().build())),
            Map.entry("factory:buffer-16k", b -> b.setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                    .http1Config(Http1Config.custom().setBufferSize(16 * 1024).build()).build())),
            Map.entry("factory:counting-1", b -> b.setConnectionFactory(FACTORY_1)),
            Map.entry("factory:counting-2", b -> b.setConnectionFactory(FACTORY_2)),
            // pool policies
            Map.entry("reuse:lifo", b -> b.setConnPoolPolicy(PoolReusePolicy.LIFO)),
            Map.entry("reuse:fifo", b -> b.setConnPoolPolicy(PoolReusePolicy.FIFO)),
            Map.entry("concurrency:strict", b -> b.setPoolConcurrencyPolicy(PoolConcurrencyPolicy.STRICT)),
            Map.entry("concurrency:lax", b -> b.setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)));

    private KeyingApp() {
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split(" ");
            String result;
            switch (p[0]) {
                case "QUIT":
                    System.out.println("BYE");
                    System.out.flush();
                    return;
                case "GET":
                    result = get(p[1], p[2]);
                    break;
                default:
                    result = "ERR " + IllegalArgumentException.class.getName() + " unknown+command";
            }
            System.out.println(result);
            System.out.flush();
        }
    }

    private static String get(String setup, String url) {
        Consumer<PoolingHttpClientConnectionManagerBuilder> recipe = SETUPS.get(setup);
        if (recipe == null) {
            return "ERR " + IllegalArgumentException.class.getName() + " " + Exchange.enc("unknown setup " + setup);
        }
        PoolingHttpClientConnectionManagerBuilder builder = PoolingHttpClientConnectionManagerBuilder.create();
        recipe.accept(builder);
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(builder.build()).build()) {
            return Exchange.withClient(client, "GET", url, null).line();
        } catch (IOException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e).line();
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Resolves {@link #TEST_HOST} to 127.0.0.1 and every other name as the JVM does. No state. */
    static class LoopbackDnsResolver implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return TEST_HOST.equalsIgnoreCase(host) ? new InetAddress[] {loopback()} : SystemDefaultDnsResolver.INSTANCE.resolve(host);
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return TEST_HOST.equalsIgnoreCase(host) ? host : SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
        }
    }

    /** Answers exactly as {@link LoopbackDnsResolver}, but is another class: the agent cannot know it always will. */
    static final class OtherLoopbackDnsResolver extends LoopbackDnsResolver {
    }

    /** Resolves {@link #TEST_HOST} to the address it was made with: a final field, equal by value. */
    static final class FixedDnsResolver extends LoopbackDnsResolver {
        private final InetAddress address;

        FixedDnsResolver(InetAddress address) {
            this.address = address;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return TEST_HOST.equalsIgnoreCase(host) ? new InetAddress[] {address} : super.resolve(host);
        }
    }

    /** As {@link LoopbackDnsResolver}, and counts its look-ups: a mutable field, so what it does next may change. */
    static final class CountingDnsResolver extends LoopbackDnsResolver {
        private int lookups;

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            synchronized (this) {
                lookups++;
            }
            return super.resolve(host);
        }
    }

    /** The port in the URL, else the scheme's default: what the library's resolver does, in another class. */
    static class ExplicitPortResolver implements SchemePortResolver {
        @Override
        public int resolve(HttpHost host) {
            return host.getPort() > 0 ? host.getPort() : DefaultSchemePortResolver.INSTANCE.resolve(host);
        }
    }

    /** As {@link ExplicitPortResolver}, and counts its calls (mutable). */
    static final class CountingSchemePortResolver extends ExplicitPortResolver {
        private int calls;

        @Override
        public synchronized int resolve(HttpHost host) {
            calls++;
            return super.resolve(host);
        }
    }

    /** The library's default socket config for every route, and counts its calls (mutable). */
    static final class CountingSocketConfigResolver implements Resolver<HttpRoute, SocketConfig> {
        private int calls;

        @Override
        public synchronized SocketConfig resolve(HttpRoute route) {
            calls++;
            return SocketConfig.DEFAULT;
        }
    }

    /** The library's connection factory, and counts the connections it made (mutable). */
    static final class CountingConnectionFactory implements HttpConnectionFactory<ManagedHttpClientConnection> {
        private int connections;

        @Override
        public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
            synchronized (this) {
                connections++;
            }
            return ManagedHttpClientConnectionFactory.INSTANCE.createConnection(socket);
        }
    }
}
