package io.httppool.agent.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PrometheusFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Answers GET /health and GET /metrics, each from one fresh snapshot; anything else gets 404. */
final class StatusHandler implements HttpHandler {

    private static final String TEXT = "text/plain; charset=utf-8";

    private record Response(int status, String contentType, String body) {
    }

    private final Supplier<MetricsSnapshot> figures;

    StatusHandler(Supplier<MetricsSnapshot> figures) {
        this.figures = figures;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            Response response;
            try {
                response = route(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
            } catch (Throwable error) {
                AgentErrors.record("status server", error);
                response = new Response(500, TEXT, "Internal error in http-pool-agent; see its log\n");
            }
            send(exchange, response);
        } catch (IOException clientGone) {
            // The client hung up before the answer was written: nobody left to tell.
        }
    }

    private Response route(String method, String path) {
        if ("GET".equals(method) && "/health".equals(path)) {
            MetricsSnapshot snapshot = figures.get();
            return new Response(HealthReport.statusCode(snapshot), HealthReport.CONTENT_TYPE, HealthReport.json(snapshot));
        }
        if ("GET".equals(method) && "/metrics".equals(path)) {
            return new Response(200, PrometheusFormat.CONTENT_TYPE, PrometheusFormat.render(figures.get()));
        }
        return new Response(404, TEXT, "Not found. This server answers GET /health and GET /metrics.\n");
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
