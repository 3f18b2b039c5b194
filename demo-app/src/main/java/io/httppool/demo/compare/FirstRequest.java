package io.httppool.demo.compare;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The first request through a freshly started proxy, sent alone before any load: what a service's
 * first caller waits for while the proxy loads, links and (with the agent) transforms its HTTP
 * client classes, builds its first SSLContext and opens its first upstream connection.
 *
 * <p>Sent from the orchestrator with the JDK's URL connection, which is already warm there (the
 * backend's counters are read the same way just before), so the figure is the proxy's, not a cold
 * client's.
 */
final class FirstRequest {

    private FirstRequest() {
    }

    /** Milliseconds until the whole answer has been read; anything but a 200 is an error. */
    static double millis(String proxyUrl) throws IOException {
        URI uri = URI.create(proxyUrl.replaceAll("/+$", "") + "/sessions/first-request/state");
        long start = System.nanoTime();
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(60_000);
        int status = connection.getResponseCode();
        try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (status != 200) {
            throw new IOException("the first request through the proxy answered " + status + " (" + uri + ")");
        }
        return millis;
    }
}
