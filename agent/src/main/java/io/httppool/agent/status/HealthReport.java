package io.httppool.agent.status;

import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolSnapshot;
import java.time.Instant;

/**
 * The body and status code of {@code GET /health}: 200 and "UP" unless a pool's last check found it
 * UNHEALTHY (HEALTHY and DEGRADED pools still serve requests), then 503 and "DOWN".
 */
public final class HealthReport {

    public static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private HealthReport() {
    }

    public static int statusCode(MetricsSnapshot snapshot) {
        return snapshot.up() ? 200 : 503;
    }

    /**
     * {@code {"status":"UP","pools":[{"name":..,"library":..,"setup":..,"state":..,"reason":..,"leased":..,
     * "available":..,"pending":..,"max":..,"last_check":..}]}}; last_check is an ISO-8601 instant or null.
     */
    public static String json(MetricsSnapshot snapshot) {
        StringBuilder out = new StringBuilder(256 + 320 * snapshot.pools().size());
        out.append("{\"status\":").append(Json.string(snapshot.up() ? "UP" : "DOWN")).append(",\"pools\":[");
        boolean first = true;
        for (PoolSnapshot pool : snapshot.pools()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            Instant checkedAt = pool.health().checkedAt();
            out.append("{\"name\":").append(Json.string(pool.name()))
                    .append(",\"library\":").append(Json.string(pool.library()))
                    .append(",\"setup\":").append(Json.string(pool.setup()))
                    .append(",\"state\":").append(Json.string(pool.health().stateName()))
                    .append(",\"reason\":").append(Json.string(pool.health().reason()))
                    .append(",\"leased\":").append(figure(pool.stats().leased()))
                    .append(",\"available\":").append(figure(pool.stats().available()))
                    .append(",\"pending\":").append(figure(pool.stats().pending()))
                    .append(",\"max\":").append(figure(pool.stats().max()))
                    .append(",\"last_check\":").append(Json.string(checkedAt != null ? checkedAt.toString() : null))
                    .append('}');
        }
        return out.append("]}").toString();
    }

    /** A figure the library cannot tell is JSON null, not 0. */
    private static String figure(int value) {
        return io.httppool.agent.pool.PoolStats.known(value) ? Integer.toString(value) : "null";
    }
}
