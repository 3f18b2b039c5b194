package io.httppool.it.apps;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * An application that brings its own Byte Buddy and SLF4J (2.x with a provider, or 1.7 with its binding), the libraries the agent
 * bundles relocated. It uses both, then makes per-request-client calls.
 * Args: base-url requests threads. Prints {@code BYTEBUDDY <its jar> <generated toString>},
 * {@code SLF4J <logger factory class>} and {@code RESULT ok=<n> failed=<n>}.
 */
public final class OwnLibrariesApp {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int requests = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);

        Class<?> generated = new net.bytebuddy.ByteBuddy()
                .subclass(Object.class)
                .method(net.bytebuddy.matcher.ElementMatchers.named("toString"))
                .intercept(net.bytebuddy.implementation.FixedValue.value("generated-by-app"))
                .make()
                .load(OwnLibrariesApp.class.getClassLoader())
                .getLoaded();
        String jar = net.bytebuddy.ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        System.out.println("BYTEBUDDY " + jar.substring(jar.lastIndexOf('/') + 1)
                + " " + generated.getDeclaredConstructor().newInstance());

        org.slf4j.LoggerFactory.getLogger("own-app").info("application logging through its own SLF4J");
        System.out.println("SLF4J " + org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName());

        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < requests; i++) {
            pool.execute(() -> {
                try (CloseableHttpClient client = HttpClients.createDefault()) {
                    String body = client.execute(new HttpGet(base + "/ok"), r -> EntityUtils.toString(r.getEntity()));
                    (body != null ? ok : failed).incrementAndGet();
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(2, TimeUnit.MINUTES);
        System.out.println("RESULT ok=" + ok.get() + " failed=" + failed.get());
    }
}
