package io.httppool.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;

/**
 * Many async per-request clients with their requests in flight at once: each of {@code threads} threads
 * creates {@code burst} clients, starts each, sends each a POST to {@code base/echo} whose body names the
 * request ({@code id-<n>}) with a callback, and only then waits for them all; each client is closed after
 * its answer. Every response must echo its own request's id, through its future and through its callback.
 *
 * <pre>base=http://127.0.0.1:1 requests=800 threads=8 burst=8 habit=default|h2|minimal</pre>
 * ({@code minimal}: {@code HttpAsyncClients.createMinimal()}, one client object for all under the agent).
 * Prints {@code RESULT requests= successes= mismatches= failures= liveThreads=} and up to 5 {@code MISMATCH} lines.
 */
public final class AsyncOwnResponseApp {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Exchange.options(args);
        String base = o.get("base");
        int requests = Integer.parseInt(o.getOrDefault("requests", "800"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "8"));
        int burst = Integer.parseInt(o.getOrDefault("burst", "8"));
        String habit = o.getOrDefault("habit", "default");
        AtomicInteger next = new AtomicInteger();
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger mismatches = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(pool.submit(() -> {
                while (true) {
                    List<Request> inFlight = new ArrayList<>();
                    for (int b = 0; b < burst; b++) {
                        int id = next.getAndIncrement();
                        if (id >= requests) {
                            break;
                        }
                        inFlight.add(new Request(id, newClient(habit), base));
                    }
                    if (inFlight.isEmpty()) {
                        return null;
                    }
                    for (Request request : inFlight) {
                        request.check(successes, mismatches, failures);
                    }
                }
            }));
        }
        for (Future<?> task : tasks) {
            task.get();
        }
        pool.shutdown();
        System.out.println("RESULT requests=" + requests + " successes=" + successes.get() + " mismatches=" + mismatches.get()
                + " failures=" + failures.get()
                + " liveThreads=" + java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static CloseableHttpAsyncClient newClient(String habit) {
        return switch (habit) {
            case "h2" -> HttpAsyncClients.createHttp2Default();
            case "minimal" -> HttpAsyncClients.createMinimal();
            default -> HttpAsyncClients.createDefault();
        };
    }

    /** One client and its one request, sent at construction. */
    private static final class Request {
        private final int id;
        private final CloseableHttpAsyncClient client;
        private final Future<SimpleHttpResponse> future;
        private final CompletableFuture<String> told = new CompletableFuture<>();

        Request(int id, CloseableHttpAsyncClient client, String base) {
            this.id = id;
            this.client = client;
            client.start();
            this.future = client.execute(SimpleRequestBuilder.post(base + "/echo").setBody("id-" + id, ContentType.TEXT_PLAIN).build(),
                    new FutureCallback<>() {
                        @Override
                        public void completed(SimpleHttpResponse result) {
                            told.complete(result.getBodyText());
                        }

                        @Override
                        public void failed(Exception ex) {
                            told.complete("failed: " + ex);
                        }

                        @Override
                        public void cancelled() {
                            told.complete("cancelled");
                        }
                    });
        }

        void check(AtomicInteger successes, AtomicInteger mismatches, AtomicInteger failures) {
            try {
                String body = future.get(60, TimeUnit.SECONDS).getBodyText();
                String callback = told.get(60, TimeUnit.SECONDS);
                String own = "body=id-" + id + " ";
                if (body.contains(own) && body.equals(callback)) {
                    successes.incrementAndGet();
                } else if (mismatches.incrementAndGet() <= 5) {
                    System.out.println("MISMATCH id=" + id + " future=" + body + " callback=" + callback);
                }
            } catch (Exception e) {
                if (failures.incrementAndGet() <= 5) {
                    System.out.println("FAILURE id=" + id + " " + e);
                }
            } finally {
                client.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
            }
        }
    }
}
