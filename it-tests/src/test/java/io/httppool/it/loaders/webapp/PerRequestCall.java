package io.httppool.it.loaders.webapp;

import java.util.function.Function;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The "web application" of {@link io.httppool.it.loaders.WebAppsLauncher}: loaded by each web-app class loader
 * from its own directory, next to that loader's own copy of HttpClient 5, and called through a JDK interface
 * only, so the launcher never names it. The per-request habit: a new client for every request, closed after it.
 */
public final class PerRequestCall implements Function<String, String> {

    /** GETs {@code url}; returns {@code "<status> <body>"}. */
    @Override
    public String apply(String url) {
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            return client.execute(new HttpGet(url), response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
