package io.httppool.demo.common;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plain-text format of the admin endpoints: one {@code name value} pair per line, values are
 * whole numbers.
 *
 * <p>Text rather than JSON so that the roles need no JSON parser, and so a person can read the
 * endpoint with curl.
 */
public final class Counters {

    private Counters() {
    }

    public static String format(Map<String, Long> values) {
        StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
        return text.toString();
    }

    public static Map<String, Long> parse(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                values.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        return values;
    }

    /** {@code after - before} for every name present in both. */
    public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            Long b = before.get(k);
            if (b != null) {
                delta.put(k, v - b);
            }
        });
        return delta;
    }

    /**
     * Reads an admin endpoint. Uses the JDK's URL connection on purpose: it must not share
     * connections, classes or counters with the Apache client under test.
     */
    public static Map<String, Long> fetch(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        try (InputStream in = connection.getInputStream()) {
            if (connection.getResponseCode() != 200) {
                throw new IOException(url + " answered " + connection.getResponseCode());
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
