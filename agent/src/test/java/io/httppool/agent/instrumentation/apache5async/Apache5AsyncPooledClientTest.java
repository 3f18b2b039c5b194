package io.httppool.agent.instrumentation.apache5async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pooled async clients against a local server, in this JVM (the hook the agent weaves into
 * {@code HttpAsyncClientBuilder.build()} called by hand): each request completes its own future and
 * callback, each client keeps its cookies, closing one ends only its own requests.
 */
class Apache5AsyncPooledClientTest {

    private static HttpServer server;
    private static String base;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/echo", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String cookie = exchange.getRequestHeaders().getFirst("Cookie");
            respond(exchange, 200, query + " cookie=" + (cookie == null ? "" : cookie));
        });
        server.createContext("/login", exchange -> {
            exchange.getResponseHeaders().add("Set-Cookie", "session=secret-of-a; Path=/");
            respond(exchange, 200, "logged in");
        });
        server.createContext("/slow", exchange -> {
            sleep(1_500);
            respond(exchange, 200, "slow " + exchange.getRequestURI().getRawQuery());
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static CloseableHttpAsyncClient newClient(HttpAsyncClientBuilder builder) {
        CloseableHttpAsyncClient client = Apache5AsyncHooks.pooledClient(builder);
        assertInstanceOf(Apache5AsyncPooledClient.class, client);
        client.start();
        return client;
    }

    private static ManagedPool pool(String name) {
        return PoolRegistry.all().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** Waits (up to 10 s) until {@code available} reports an idle connection: the library releases it after completing the future. */
    private static void awaitIdle(java.util.function.IntSupplier available) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (available.getAsInt() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static String get(CloseableHttpAsyncClient client, String path) throws Exception {
        return client.execute(SimpleRequestBuilder.get(base + path).build(), null).get(30, TimeUnit.SECONDS).getBodyText();
    }

    @Test
    void everyRequestOfManyPerRequestClientsCompletesItsOwnFutureAndCallback() throws Exception {
        newClient(HttpAsyncClientBuilder.create()).close(); // the pool exists before the counters are read
        ManagedPool pool = pool("apache5-async/default");
        long connectionsBefore = pool.counters().connectionsCreated();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger right = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int id = i;
            tasks.add(threads.submit(() -> {
                try (CloseableHttpAsyncClient client = newClient(HttpAsyncClientBuilder.create())) {
                    // The library tells the callback after it completed the future: wait for both.
                    java.util.concurrent.CompletableFuture<String> viaCallback = new java.util.concurrent.CompletableFuture<>();
                    SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(base + "/echo?id=" + id).build(),
                            new FutureCallback<>() {
                                @Override
                                public void completed(SimpleHttpResponse result) {
                                    viaCallback.complete(result.getBodyText());
                                }

                                @Override
                                public void failed(Exception ex) {
                                    viaCallback.complete("failed " + ex);
                                }

                                @Override
                                public void cancelled() {
                                    viaCallback.complete("cancelled");
                                }
                            }).get(30, TimeUnit.SECONDS);
                    String expected = "id=" + id + " cookie=";
                    String told = viaCallback.get(30, TimeUnit.SECONDS);
                    if (expected.equals(response.getBodyText()) && expected.equals(told)) {
                        right.incrementAndGet();
                    } else {
                        wrong.add(id + ": future " + response.getBodyText() + ", callback " + told);
                    }
                }
                return null;
            }));
        }
        for (Future<?> task : tasks) {
            task.get(2, TimeUnit.MINUTES);
        }
        threads.shutdown();
        assertTrue(wrong.isEmpty(), "each request answered by its own future and callback: " + wrong);
        assertEquals(400, right.get());
        long opened = pool.counters().connectionsCreated() - connectionsBefore;
        assertTrue(opened <= 8 + 4, "400 per-request clients on 8 threads share connections: " + opened + " opened");
    }

    @Test
    void aClientsCookieNeverReachesAnotherClient() throws Exception {
        try (CloseableHttpAsyncClient a = newClient(HttpAsyncClientBuilder.create());
             CloseableHttpAsyncClient b = newClient(HttpAsyncClientBuilder.create())) {
            assertEquals("logged in", get(a, "/login"));
            assertEquals("id=b cookie=", get(b, "/echo?id=b"), "b has no cookie of a's");
            assertEquals("id=a cookie=session=secret-of-a", get(a, "/echo?id=a"), "control: a sends its own");
        }
    }

    @Test
    void closingOneClientEndsOnlyItsOwnRequests() throws Exception {
        CloseableHttpAsyncClient a = newClient(HttpAsyncClientBuilder.create());
        CloseableHttpAsyncClient b = newClient(HttpAsyncClientBuilder.create());
        Future<SimpleHttpResponse> ofA = a.execute(SimpleRequestBuilder.get(base + "/slow?id=a").build(), null);
        Future<SimpleHttpResponse> ofB = b.execute(SimpleRequestBuilder.get(base + "/slow?id=b").build(), null);
        Thread.sleep(300);
        a.close(CloseMode.IMMEDIATE);
        ExecutionException ended = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> ofA.get(30, TimeUnit.SECONDS));
        assertInstanceOf(ConnectionClosedException.class, ended.getCause(), "as when a client's own reactor closes");
        assertEquals("slow id=b", ofB.get(30, TimeUnit.SECONDS).getBodyText(), "the other client's request is untouched");
        assertEquals("id=c cookie=", get(b, "/echo?id=c"), "and the other client goes on");
        b.close();

        CloseableHttpAsyncClient c = newClient(HttpAsyncClientBuilder.create());
        Future<SimpleHttpResponse> ofC = c.execute(SimpleRequestBuilder.get(base + "/slow?id=c").build(), null);
        Thread.sleep(300);
        c.close(); // GRACEFUL: waits for its request, as the library's reactor does
        assertTrue(ofC.isDone());
        assertEquals("slow id=c", ofC.get().getBodyText());
        assertTrue(pool("apache5-async/default").isOpen(), "nothing shared was closed");
    }

    /**
     * JVM exit (the agent's shutdown hook calls {@code shutdown}): the shared client's reactor threads stop, since
     * threads waiting in native code hold up the JVM's final safepoint (~300 ms), and a request made after that
     * (another shutdown hook's) still works, on a new client started by it. Red when the shutdown leaves the
     * shared client running.
     */
    @Test
    void atExitTheSharedReactorStopsAndALaterRequestStillWorks() throws Exception {
        // One thread factory for every client: one setup, so one pool and its shared client.
        java.util.concurrent.ThreadFactory threads = new org.apache.hc.core5.concurrent.DefaultThreadFactory("exit-test-dispatch", true);
        java.util.function.Supplier<HttpAsyncClientBuilder> setup = () -> HttpAsyncClientBuilder.create().setThreadFactory(threads);
        ManagedPool pool;
        Future<SimpleHttpResponse> inFlight;
        CloseableHttpAsyncClient busy = newClient(setup.get());
        try (CloseableHttpAsyncClient client = newClient(setup.get())) {
            assertEquals("id=1 cookie=", get(client, "/echo?id=1"));
            pool = PoolRegistry.all().stream().filter(p -> p.name().startsWith("apache5-async/custom"))
                    .filter(p -> p.counters().requests() > 0).reduce((x, y) -> y).orElseThrow();
        }
        assertTrue(reactorThreads() > 0, "premise: the shared client's reactor runs");
        inFlight = busy.execute(SimpleRequestBuilder.get(base + "/slow?id=exit").build(), null);
        Thread.sleep(300);

        pool.shutdown(java.time.Duration.ofSeconds(5));
        assertTrue(inFlight.isDone(), "the exit step waited for the request in flight");
        assertEquals("slow id=exit", inFlight.get().getBodyText(), "and it completed");
        busy.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reactorThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, reactorThreads(), "no reactor thread left running after the pool's exit");

        long requestsBefore = pool.counters().requests();
        try (CloseableHttpAsyncClient late = newClient(setup.get())) {
            assertEquals("id=2 cookie=", get(late, "/echo?id=2"), "a request after the exit hook still succeeds");
        }
        assertEquals(requestsBefore + 1, pool.counters().requests(), "on the same pool");
        assertTrue(reactorThreads() > 0, "which started its new client");
        assertTrue(pool.isOpen());
    }

    private static long reactorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("exit-test-dispatch") && t.isAlive()).count();
    }

    @Test
    void aClientThroughAProxyKeepsItsConnectionsToItself() throws Exception {
        // The local server answers absolute-URI requests itself, so it serves as the "proxy" here.
        HttpHost proxy = new HttpHost("127.0.0.1", server.getAddress().getPort());
        CloseableHttpAsyncClient a = newClient(HttpAsyncClientBuilder.create().setProxy(proxy));
        CloseableHttpAsyncClient b = newClient(HttpAsyncClientBuilder.create().setProxy(proxy));
        String target = "http://upstream.test:1";
        a.execute(SimpleRequestBuilder.get(target + "/echo?id=a1").build(), null).get(30, TimeUnit.SECONDS);
        ManagedPool pool = PoolRegistry.all().stream().filter(p -> p.name().startsWith("apache5-async/custom"))
                .filter(p -> p.counters().requests() > 0).reduce((x, y) -> y).orElseThrow();
        awaitIdle(() -> pool.stats().available()); // the library completes the future before it releases the connection
        long before = pool.counters().connectionsCreated();
        a.execute(SimpleRequestBuilder.get(target + "/echo?id=a2").build(), null).get(30, TimeUnit.SECONDS);
        assertEquals(before, pool.counters().connectionsCreated(), "a reuses its own connection");
        b.execute(SimpleRequestBuilder.get(target + "/echo?id=b1").build(), null).get(30, TimeUnit.SECONDS);
        assertEquals(before + 1, pool.counters().connectionsCreated(), "b never gets a's connection through the proxy");
        a.close();
        b.close();
    }

    @Test
    void aClientWhoseManagerWasReconfiguredRunsOnItsOwnClient() throws Exception {
        PoolingAsyncClientConnectionManagerBuilder managerBuilder = PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(7);
        PoolingAsyncClientConnectionManager manager = Apache5AsyncHooks.managerBuilt(managerBuilder.build(), managerBuilder);
        CloseableHttpAsyncClient client = newClient(HttpAsyncClientBuilder.create().setConnectionManager(manager));
        assertEquals("id=1 cookie=", get(client, "/echo?id=1"));
        Apache5AsyncHooks.managerReconfigured(manager, "setMaxTotal");
        manager.setMaxTotal(3);
        assertEquals("id=2 cookie=", get(client, "/echo?id=2"));
        // The library completes the caller's future before it hands the connection back to its pool.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (manager.getTotalStats().getAvailable() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, manager.getTotalStats().getAvailable(), "the request ran on the application's own manager");
        client.close();
        assertTrue(manager.isClosed(), "closing the client closed its manager, as without the agent");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
