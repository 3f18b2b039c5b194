package io.httppool.it.apps;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;

/**
 * Minimal async clients ({@code HttpAsyncClients.createMinimal()}) closed while another one's request is in
 * flight: client A starts a GET to {@code base/delay/3000}; meanwhile clients B, C and D are each created,
 * started, used for one GET to {@code base/ok} and ended one way each: B {@code close()}, C
 * {@code close(IMMEDIATE)}, D {@code initiateShutdown()} and {@code awaitShutdown(100 ms)}. Then A's answer,
 * and one more client's request. Prints {@code CLOSED <B|C|D> <outcome>}, {@code INFLIGHT <outcome>},
 * {@code AFTER <outcome>} and {@code SAME <true|false>} (whether A and B are one object).
 *
 * <pre>base=http://127.0.0.1:1</pre>
 */
public final class MinimalCloseApp {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Exchange.options(args);
        String base = o.get("base");
        MinimalHttpAsyncClient a = HttpAsyncClients.createMinimal();
        a.start();
        Future<SimpleHttpResponse> inFlight = a.execute(SimpleRequestBuilder.get(base + "/delay/3000").build(), null);
        Thread.sleep(300);
        MinimalHttpAsyncClient b = null;
        for (String how : new String[] {"B", "C", "D"}) {
            MinimalHttpAsyncClient other = HttpAsyncClients.createMinimal();
            b = b == null ? other : b;
            other.start();
            String outcome = outcome(other.execute(SimpleRequestBuilder.get(base + "/ok").build(), null));
            switch (how) {
                case "B" -> other.close();
                case "C" -> other.close(CloseMode.IMMEDIATE);
                default -> {
                    other.initiateShutdown();
                    other.awaitShutdown(TimeValue.ofMilliseconds(100));
                }
            }
            System.out.println("CLOSED " + how + " " + outcome);
        }
        System.out.println("INFLIGHT " + outcome(inFlight));
        MinimalHttpAsyncClient after = HttpAsyncClients.createMinimal();
        after.start();
        System.out.println("AFTER " + outcome(after.execute(SimpleRequestBuilder.get(base + "/ok").build(), null)));
        System.out.println("SAME " + (a == b));
        a.close(CloseMode.IMMEDIATE);
        after.close(CloseMode.IMMEDIATE);
    }

    private static String outcome(Future<SimpleHttpResponse> future) throws InterruptedException {
        try {
            return "OK " + future.get(30, TimeUnit.SECONDS).getCode();
        } catch (ExecutionException failed) {
            return "ERR " + failed.getCause();
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            return "ERR " + e;
        }
    }
}
