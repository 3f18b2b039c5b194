package io.httppool.demo.backend;

import java.util.Map;

/**
 * One parsed HTTP/1.x request.
 *
 * @param headers names in lower case; repeated headers joined with ", "
 */
record Http1Request(String method, String path, String query, String version,
                    Map<String, String> headers, byte[] body) {

    String header(String name) {
        return headers.get(name);
    }

    /** HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only when asked to. */
    boolean keepAlive() {
        String connection = headers.getOrDefault("connection", "").toLowerCase(java.util.Locale.ROOT);
        if ("HTTP/1.0".equals(version)) {
            return connection.contains("keep-alive");
        }
        return !connection.contains("close");
    }
}
