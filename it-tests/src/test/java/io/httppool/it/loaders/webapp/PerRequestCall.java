package io.httppool.it.loaders.webapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Function;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The "web application" of {@link io.httppool.it.loaders.WebAppsLauncher}: loaded by each web-app class loader
 * from its own directory, next to that loader's own copy of HttpClient 5, and called through a JDK interface
 * only, so the launcher never names it. The per-request habit: a new client for every request, closed after it
 * (HttpClient 5; or, for a request spec {@code jdk <url>}, the JDK's {@code java.net.http.HttpClient}, dropped).
 */
public final class PerRequestCall implements Function<String, String> {

    /** GETs the url of {@code spec} ({@code <url>} or {@code jdk <url>}); returns {@code "<status> <body>"}. */
    @Override
    public String apply(String spec) {
        try {
            if (spec.startsWith("jdk ")) {
                HttpClient client = HttpClient.newHttpClient();
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(spec.substring(4))).build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() + " " + response.body();
            }
            try (CloseableHttpClient client = HttpClients.createDefault()) {
                return client.execute(new HttpGet(spec), response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
