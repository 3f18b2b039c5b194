package io.httppool.agent.metrics;

import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.PoolCounters.ErrorKind;
import io.httppool.agent.pool.PoolStats;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Renders a {@link MetricsSnapshot} in the Prometheus text exposition format 0.0.4. Written by hand
 * because the format is a few lines per metric and a client library would be one more jar to relocate.
 * Pool gauges follow httpclient5-observation's names ({@code http_client.pool.leased} and so on).
 */
public final class PrometheusFormat {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** One metric with one sample per pool, labelled {@code pool="<name>"}. */
    private record PerPool(String name, String type, String help, ToLongFunction<PoolSnapshot> value) {
    }

    private static final List<PerPool> PER_POOL = List.of(
            new PerPool("http_client_pool_leased", "gauge",
                    "Connections currently leased from the pool (in use by a request).", p -> p.stats().leased()),
            new PerPool("http_client_pool_available", "gauge",
                    "Idle connections kept open in the pool, ready for reuse.", p -> p.stats().available()),
            new PerPool("http_client_pool_pending", "gauge",
                    "Requests waiting for a connection because the pool is at its limit.", p -> p.stats().pending()),
            new PerPool("http_client_pool_max", "gauge",
                    "Most connections the pool opens, over all hosts.", p -> p.stats().max()),
            new PerPool("http_client_connections_created_total", "counter",
                    "Connections opened by the pool.", p -> p.counters().connectionsCreated()),
            new PerPool("http_client_tls_handshakes_total", "counter",
                    "TLS handshakes completed by the pool's connections.", p -> p.counters().tlsHandshakes()),
            new PerPool("http_client_requests_total", "counter",
                    "Requests executed through the pool.", p -> p.counters().requests()),
            new PerPool("http_client_pool_recreations_total", "counter",
                    "Times the pool was replaced by a fresh one (health check or JMX).", p -> p.counters().recreations()),
            new PerPool("http_client_pool_refreshes_total", "counter",
                    "Times the idle connections of a route were closed after a burst of connection failures.",
                    p -> p.counters().refreshes()),
            new PerPool("http_client_pool_leaks_total", "counter",
                    "Leased connections reclaimed because their owner was garbage-collected without closing them.",
                    p -> p.counters().leaks()),
            new PerPool("http_client_pool_overflow_total", "counter",
                    "Requests served on an extra connection beyond HTTP_MAX_CONNECTIONS (HTTP_POOL_ON_EXHAUSTED=overflow).",
                    p -> p.counters().overflows()),
            new PerPool("http_client_pool_released_on_close_total", "counter",
                    "Connections still leased by a client the application closed, closed with that client.",
                    p -> p.counters().releasedOnClose()),
            new PerPool("http_client_pool_dns_retired_total", "counter",
                    "Connections retired because their host name no longer resolves to the address they went to.",
                    p -> p.counters().dnsRetired()),
            new PerPool("http_client_pool_lifetime_expired_total", "counter",
                    "Connections retired at HTTP_POOL_MAX_CONNECTION_LIFETIME.", p -> p.counters().lifetimeExpired()));

    private PrometheusFormat() {
    }

    public static String render(MetricsSnapshot snapshot) {
        StringBuilder out = new StringBuilder(4096);
        for (PerPool metric : PER_POOL) {
            header(out, metric.name(), metric.type(), metric.help());
            for (PoolSnapshot pool : snapshot.pools()) {
                long value = metric.value().applyAsLong(pool);
                if (value != PoolStats.UNKNOWN || !"gauge".equals(metric.type())) {
                    sample(out, metric.name(), poolLabel(pool), value); // a gauge the library cannot tell is left out
                }
            }
        }

        header(out, "http_client_errors_total", "counter",
                "Failed requests by kind: connect, tls, pool_timeout (no connection free in time), io, fatal (an Error).");
        for (PoolSnapshot pool : snapshot.pools()) {
            for (ErrorKind kind : ErrorKind.values()) {
                sample(out, "http_client_errors_total", poolLabel(pool) + ",kind=\"" + kind.label() + "\"",
                        pool.counters().errors(kind));
            }
        }

        header(out, "http_client_pool_state", "gauge",
                "1 for the state of the pool's last health check, 0 for the others (none before the first check).");
        for (PoolSnapshot pool : snapshot.pools()) {
            for (HealthState state : HealthState.values()) {
                sample(out, "http_client_pool_state",
                        poolLabel(pool) + ",state=\"" + state.name().toLowerCase(Locale.ROOT) + "\"",
                        pool.health().state() == state ? 1 : 0);
            }
        }

        header(out, "http_pool_agent_suppressed_errors_total", "counter",
                "Internal errors the agent caught and survived; the application then ran its own code path.");
        sample(out, "http_pool_agent_suppressed_errors_total", "", snapshot.suppressedErrors());
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    private static String poolLabel(PoolSnapshot pool) {
        return "pool=\"" + escapeLabelValue(pool.name()) + "\"";
    }

    /** Label values escape backslash, double quote and line feed (the format's only escapes). */
    static String escapeLabelValue(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '"' -> escaped.append("\\\"");
                case '\n' -> escaped.append("\\n");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** HELP text escapes backslash and line feed only. */
    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
