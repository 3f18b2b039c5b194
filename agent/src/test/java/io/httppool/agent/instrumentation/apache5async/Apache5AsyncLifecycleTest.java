package io.httppool.agent.instrumentation.apache5async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pooled client's start, status, shutdown and close answer as the library's own client does: every
 * scenario runs on a client the library built and on one the agent hands out, and what the application
 * sees (statuses, the exception a refused request fails with, what {@code start()} throws) must be equal.
 */
class Apache5AsyncLifecycleTest {

    /** Nothing listens there: refused requests never get as far as a connection. */
    private static final String NOWHERE = "http://127.0.0.1:9/";

    /** The steps of a scenario: s=start, i=initiateShutdown, c=close(GRACEFUL), C=close(IMMEDIATE), x=execute. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x", "sx", "six", "scx", "sCx", "csx", "isx", "ss", "sccx"})
    void aPooledClientAnswersAsTheLibrarysOwn(String steps) throws Exception {
        List<String> library = run(steps, () -> HttpAsyncClientBuilder.create().build());
        List<String> pooled = run(steps, Apache5AsyncLifecycleTest::pooledDefault);
        assertEquals(library, pooled, "steps " + steps);
    }

    @Test
    void aClientThatDoesNotOwnItsManagerAnswersAsTheLibrarysOwnAfterClose() throws Exception {
        Supplier<CloseableHttpAsyncClient> library = () -> HttpAsyncClientBuilder.create()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create().build())
                .setConnectionManagerShared(true).build();
        Supplier<CloseableHttpAsyncClient> pooled = () -> {
            PoolingAsyncClientConnectionManagerBuilder managerBuilder = PoolingAsyncClientConnectionManagerBuilder.create();
            PoolingAsyncClientConnectionManager manager = Apache5AsyncHooks.managerBuilt(managerBuilder.build(), managerBuilder);
            CloseableHttpAsyncClient client = Apache5AsyncHooks.pooledClient(HttpAsyncClientBuilder.create()
                    .setConnectionManager(manager).setConnectionManagerShared(true));
            assertInstanceOf(Apache5AsyncPooledClient.class, client);
            return client;
        };
        for (String steps : List.of("scx", "csx")) {
            assertEquals(run(steps, library), run(steps, pooled), "steps " + steps);
        }
    }

    private static CloseableHttpAsyncClient pooledDefault() {
        CloseableHttpAsyncClient client = Apache5AsyncHooks.pooledClient(HttpAsyncClientBuilder.create());
        assertInstanceOf(Apache5AsyncPooledClient.class, client);
        return client;
    }

    /** What the application sees at each step. */
    private static List<String> run(String steps, Supplier<CloseableHttpAsyncClient> clients) throws Exception {
        CloseableHttpAsyncClient client = clients.get();
        List<String> seen = new ArrayList<>();
        seen.add("new " + client.getStatus());
        for (char step : steps.toCharArray()) {
            try {
                switch (step) {
                    case 's' -> {
                        client.start();
                        waitUntilStarted(client); // the library starts its reactor on another thread
                    }
                    case 'i' -> client.initiateShutdown();
                    case 'c' -> client.close(CloseMode.GRACEFUL);
                    case 'C' -> client.close(CloseMode.IMMEDIATE);
                    case 'x' -> seen.add("execute " + outcome(client));
                    default -> throw new IllegalArgumentException("step " + step);
                }
                seen.add(step + " " + client.getStatus());
            } catch (RuntimeException thrown) {
                seen.add(step + " threw " + thrown.getClass().getName());
            }
        }
        client.close(CloseMode.IMMEDIATE);
        return seen;
    }

    private static void waitUntilStarted(CloseableHttpAsyncClient client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.getStatus() == org.apache.hc.core5.reactor.IOReactorStatus.INACTIVE && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static String outcome(CloseableHttpAsyncClient client) throws Exception {
        try {
            client.execute(SimpleRequestBuilder.get(NOWHERE).build(), null).get(20, TimeUnit.SECONDS);
            return "succeeded";
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            String name = cause.getClass().getName();
            // Connecting to a closed port fails differently by platform; a refused request never gets that far.
            return name.contains("ConnectException") ? "connect failure" : name + ": " + cause.getMessage();
        }
    }

    // ---- the bookkeeping itself ---------------------------------------------------------------------------

    @Test
    void gracefulCloseWaitsForWhatIsInFlightAndReportsWhatIsLeft() throws Exception {
        Apache5AsyncLifecycle life = new Apache5AsyncLifecycle(true);
        life.start();
        assertEquals(null, life.admit());
        Thread finisher = new Thread(() -> {
            sleep(100);
            life.ended();
        });
        finisher.start();
        assertTrue(life.close(true), "the request in flight finished within the grace period");
        finisher.join();
        assertEquals(Apache5AsyncLifecycle.Refusal.POOL_SHUT_DOWN, life.admit());

        Apache5AsyncLifecycle immediate = new Apache5AsyncLifecycle(true);
        immediate.start();
        immediate.admit();
        assertFalse(immediate.close(false), "IMMEDIATE: the caller ends the request still in flight");
        assertEquals(1, immediate.inFlight());
    }

    @Test
    void awaitShutdownReturnsOnceShutDownAndDrained() throws Exception {
        Apache5AsyncLifecycle life = new Apache5AsyncLifecycle(true);
        life.start();
        life.admit();
        life.initiateShutdown();
        Thread finisher = new Thread(() -> {
            sleep(100);
            life.ended();
        });
        finisher.start();
        life.awaitShutdown(TimeUnit.MINUTES.toMillis(1));
        assertEquals(0, life.inFlight());
        finisher.join();
        assertEquals(Apache5AsyncLifecycle.Refusal.REACTOR_SHUT_DOWN, life.admit());
    }

    @Test
    void startAfterACloseBeforeStartIsRejectedOnce() {
        Apache5AsyncLifecycle life = new Apache5AsyncLifecycle(true);
        assertTrue(life.close(true));
        RejectedExecutionException rejected = assertThrows(RejectedExecutionException.class, life::start);
        assertNotNull(rejected.getMessage());
        life.start(); // as the library: its status already says started
        assertEquals(Apache5AsyncLifecycle.Refusal.POOL_SHUT_DOWN, life.admit());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
