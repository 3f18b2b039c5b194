package io.httppool.it.apps;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;

/**
 * Calls out with a per-request async client in {@code main} and again from a shutdown hook of its own, 300 ms
 * into the JVM's exit (after the agent's hook has replaced the shared client), printing {@code MAIN <outcome>}
 * and {@code HOOK <outcome>}.
 *
 * <pre>url=http://127.0.0.1:1/ok</pre>
 */
public final class AsyncExitHookApp {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Exchange.options(args);
        String url = o.get("url");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(300);
                System.out.println("HOOK " + get(url));
            } catch (Exception | Error failed) {
                System.out.println("HOOK ERR " + failed);
            }
        }, "app-exit-hook"));
        System.out.println("MAIN " + get(url));
    }

    private static String get(String url) throws Exception {
        try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault()) {
            client.start();
            return "OK " + client.execute(SimpleRequestBuilder.get(url).build(), null).get(30, TimeUnit.SECONDS).getCode();
        }
    }
}
