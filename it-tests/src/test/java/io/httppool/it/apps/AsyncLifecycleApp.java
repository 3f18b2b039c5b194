package io.httppool.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorStatus;

/**
 * What an application sees of an async client's life: for each scenario (its steps as letters: s=start,
 * i=initiateShutdown, c=close(GRACEFUL), C=close(IMMEDIATE), x=execute a GET to {@code url}, w=awaitShutdown
 * of 100 ms) one line {@code SCENARIO <steps> <status or outcome after each step>...}. The test runs it with
 * and without the agent and compares the lines.
 *
 * <pre>url=http://127.0.0.1:1/ok scenarios=x,sx,scx,...</pre>
 */
public final class AsyncLifecycleApp {

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> o = Exchange.options(args);
        String url = o.get("url");
        for (String steps : o.get("scenarios").split(",")) {
            System.out.println("SCENARIO " + steps + " " + String.join(" | ", run(steps, url)));
        }
    }

    private static List<String> run(String steps, String url) throws Exception {
        CloseableHttpAsyncClient client = HttpAsyncClients.createDefault();
        List<String> seen = new ArrayList<>();
        seen.add("new " + client.getStatus());
        for (char step : steps.toCharArray()) {
            try {
                switch (step) {
                    case 's' -> {
                        client.start();
                        waitWhileInactive(client); // the library starts its reactor on a thread of its own
                    }
                    case 'i' -> client.initiateShutdown();
                    case 'c' -> client.close(CloseMode.GRACEFUL);
                    case 'C' -> client.close(CloseMode.IMMEDIATE);
                    case 'w' -> client.awaitShutdown(org.apache.hc.core5.util.TimeValue.ofMilliseconds(100));
                    case 'x' -> seen.add("execute " + outcome(client, url));
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

    private static void waitWhileInactive(CloseableHttpAsyncClient client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.getStatus() == IOReactorStatus.INACTIVE && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static String outcome(CloseableHttpAsyncClient client, String url) throws Exception {
        try {
            return "OK " + client.execute(SimpleRequestBuilder.get(url).build(), null).get(30, TimeUnit.SECONDS).getCode();
        } catch (ExecutionException failed) {
            return "ERR " + failed.getCause().getClass().getName() + ": " + failed.getCause().getMessage();
        }
    }
}
