package io.httppool.it.apps;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/** Apache HttpClient 5 classic: the habits of {@link Habits} ({@code cookies} and {@code closing} are its default). */
final class Apache5Library implements ClientLibrary {

    private final Habits habits;

    Apache5Library(Habits habits) {
        this.habits = habits;
    }

    private static String mode(String habit) {
        return "cookies".equals(habit) || "closing".equals(habit) ? "default" : habit;
    }

    /** Try-with-resources around client and response, as {@link Exchange#perRequest} writes it. */
    @Override
    public Exchange.Outcome perRequest(String habit, String method, String url, String body) {
        return Exchange.perRequest(habits, mode(habit), method, url, body);
    }

    @Override
    public Object newClient(String habit) {
        return habits.newClient(mode(habit));
    }

    @Override
    public Exchange.Outcome withClient(Object client, String method, String url, String body) {
        return Exchange.withClient((CloseableHttpClient) client, method, url, body);
    }

    @Override
    public void close(Object client) {
        try {
            ((CloseableHttpClient) client).close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
