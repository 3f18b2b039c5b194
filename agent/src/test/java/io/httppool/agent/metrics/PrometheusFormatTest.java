package io.httppool.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import io.httppool.agent.pool.PoolStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusFormatTest {

    /** A sample line of text format 0.0.4: name, optional {label="value",...}, integer value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)})? (-?[0-9]+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

    private static MetricsSnapshot snapshot() {
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        errors.put(ErrorKind.CONNECT, 4L);
        errors.put(ErrorKind.POOL_TIMEOUT, 2L);
        PoolSnapshot main = new PoolSnapshot("apache5/default", "Apache HttpClient 5 5.5.1", "default", true,
                new PoolStats(3, 2, 1, 100), new CounterSnapshot(12, 5, 340, 1, 2, 6, 7, 8, 9, 10, errors),
                new PoolHealth(HealthState.DEGRADED, "1 waiting for a connection", Instant.EPOCH));
        PoolSnapshot odd = new PoolSnapshot("odd \"name\" \\ with\nnewline", "Fake", "custom", true,
                new PoolStats(0, 0, 0, 5), CounterSnapshot.ZERO, PoolHealth.NOT_CHECKED);
        return new MetricsSnapshot(Instant.EPOCH, List.of(main, odd), 9);
    }

    @Test
    void everyMetricHasItsSamplesForEachPool() {
        List<String> lines = PrometheusFormat.render(snapshot()).lines().toList();

        for (String expected : List.of(
                "http_client_pool_leased{pool=\"apache5/default\"} 3",
                "http_client_pool_available{pool=\"apache5/default\"} 2",
                "http_client_pool_pending{pool=\"apache5/default\"} 1",
                "http_client_pool_max{pool=\"apache5/default\"} 100",
                "http_client_connections_created_total{pool=\"apache5/default\"} 12",
                "http_client_tls_handshakes_total{pool=\"apache5/default\"} 5",
                "http_client_requests_total{pool=\"apache5/default\"} 340",
                "http_client_pool_recreations_total{pool=\"apache5/default\"} 1",
                "http_client_pool_refreshes_total{pool=\"apache5/default\"} 2",
                "http_client_pool_leaks_total{pool=\"apache5/default\"} 6",
                "http_client_pool_overflow_total{pool=\"apache5/default\"} 7",
                "http_client_pool_released_on_close_total{pool=\"apache5/default\"} 8",
                "http_client_pool_dns_retired_total{pool=\"apache5/default\"} 9",
                "http_client_pool_lifetime_expired_total{pool=\"apache5/default\"} 10",
                "http_client_errors_total{pool=\"apache5/default\",kind=\"connect\"} 4",
                "http_client_errors_total{pool=\"apache5/default\",kind=\"tls\"} 0",
                "http_client_errors_total{pool=\"apache5/default\",kind=\"pool_timeout\"} 2",
                "http_client_errors_total{pool=\"apache5/default\",kind=\"io\"} 0",
                "http_client_errors_total{pool=\"apache5/default\",kind=\"fatal\"} 0",
                "http_client_pool_state{pool=\"apache5/default\",state=\"healthy\"} 0",
                "http_client_pool_state{pool=\"apache5/default\",state=\"degraded\"} 1",
                "http_client_pool_state{pool=\"apache5/default\",state=\"unhealthy\"} 0",
                "http_pool_agent_suppressed_errors_total 9",
                "# TYPE http_client_pool_leased gauge",
                "# TYPE http_client_requests_total counter",
                "# TYPE http_client_errors_total counter",
                "# TYPE http_pool_agent_suppressed_errors_total counter")) {
            assertTrue(lines.contains(expected), () -> "missing line: " + expected + "\n" + String.join("\n", lines));
        }
    }

    @Test
    void labelValuesAreEscaped() {
        String text = PrometheusFormat.render(snapshot());
        assertTrue(text.contains("http_client_pool_max{pool=\"odd \\\"name\\\" \\\\ with\\nnewline\"} 5\n"), text);
        assertEquals("a\\\\b\\\"c\\nd", PrometheusFormat.escapeLabelValue("a\\b\"c\nd"));
    }

    @Test
    void theOutputParsesBackAsTextFormat004() {
        String text = PrometheusFormat.render(snapshot());
        assertTrue(text.endsWith("\n"), "the last line ends with a line feed");

        Map<String, String> typeOf = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Long> samples = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String name = line.substring(7, line.indexOf(' ', 7));
                assertTrue(helped.add(name), "one HELP per metric: " + name);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertEquals(4, parts.length, line);
                assertTrue(helped.contains(parts[2]), "HELP comes before TYPE: " + line);
                assertTrue(Set.of("gauge", "counter").contains(parts[3]), line);
                assertEquals(null, typeOf.put(parts[2], parts[3]), "one TYPE per metric: " + line);
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                fail("not a valid sample line: " + line);
            }
            String name = sample.group(1);
            assertTrue(typeOf.containsKey(name), "TYPE precedes the samples of " + name);
            if (typeOf.get(name).equals("counter")) {
                assertTrue(name.endsWith("_total"), "counters end in _total: " + name);
            }
            String key = name + labels(sample.group(2));
            assertEquals(null, samples.put(key, Long.parseLong(sample.group(3))), "duplicate series " + key);
        }

        assertEquals(3L, samples.get("http_client_pool_leased{pool=apache5/default}"));
        assertEquals(0L, samples.get("http_client_pool_leased{pool=odd \"name\" \\ with\nnewline}"));
        assertEquals(4L, samples.get("http_client_errors_total{kind=connect,pool=apache5/default}"));
        assertEquals(0L, samples.get("http_client_pool_state{pool=odd \"name\" \\ with\nnewline,state=healthy}"),
                "a pool not checked yet is in no state");
        assertEquals(9L, samples.get("http_pool_agent_suppressed_errors_total"));
        assertEquals(List.of("http_client_pool_leased", "http_client_pool_available", "http_client_pool_pending",
                "http_client_pool_max", "http_client_connections_created_total", "http_client_tls_handshakes_total",
                "http_client_requests_total", "http_client_pool_recreations_total", "http_client_pool_refreshes_total",
                "http_client_pool_leaks_total", "http_client_pool_overflow_total", "http_client_pool_released_on_close_total",
                "http_client_pool_dns_retired_total", "http_client_pool_lifetime_expired_total",
                "http_client_errors_total", "http_client_pool_state",
                "http_pool_agent_suppressed_errors_total"), new ArrayList<>(typeOf.keySet()));
    }

    @Test
    void withoutPoolsOnlyTheAgentCounterHasASample() {
        String text = PrometheusFormat.render(new MetricsSnapshot(Instant.EPOCH, List.of(), 0));
        List<String> samples = text.lines().filter(line -> !line.startsWith("#")).toList();
        assertEquals(List.of("http_pool_agent_suppressed_errors_total 0"), samples);
    }

    /** Labels unescaped and sorted by name, so a series reads the same whatever their order. */
    private static String labels(String raw) {
        if (raw == null) {
            return "";
        }
        Map<String, String> sorted = new java.util.TreeMap<>();
        Matcher label = LABEL.matcher(raw);
        while (label.find()) {
            sorted.put(label.group(1), unescape(label.group(2)));
        }
        StringBuilder out = new StringBuilder("{");
        sorted.forEach((name, value) -> out.append(out.length() > 1 ? "," : "").append(name).append('=').append(value));
        return out.append('}').toString();
    }

    private static String unescape(String escaped) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '\\') {
                char next = escaped.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
