package io.httppool.demo.common;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one line a server role prints on stdout once it accepts requests, e.g.
 * {@code READY role=proxy port=41234}.
 *
 * <p>Servers bind port 0 so parallel runs (and other engineers' builds on the same machine) never
 * collide; the orchestrator learns the real ports from this line instead of guessing.
 */
public final class ReadyLine {

    public static final String PREFIX = "READY ";

    private ReadyLine() {
    }

    public static String format(Map<String, String> fields) {
        StringBuilder line = new StringBuilder(PREFIX.trim());
        // Values are URL-encoded so that a path with spaces stays one field.
        fields.forEach((k, v) -> line.append(' ').append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return line.toString();
    }

    /** Returns the fields, or {@code null} when the line is not a ready line. */
    public static Map<String, String> parse(String line) {
        if (line == null || !line.startsWith(PREFIX)) {
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : line.substring(PREFIX.length()).trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }
}
