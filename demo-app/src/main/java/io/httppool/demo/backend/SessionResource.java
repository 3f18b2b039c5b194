package io.httppool.demo.backend;

import io.httppool.demo.common.Json;
import java.nio.charset.StandardCharsets;

/**
 * The backend's one resource: {@code /sessions/{id}/...} answers with a small JSON document
 * describing the request it got, so tests can see exactly what the proxy forwarded.
 *
 * <p>{@code ?status=NNN} makes it answer with that status, to test that the proxy passes statuses
 * through instead of turning them into errors.
 */
final class SessionResource {

    static final String PREFIX = "/sessions/";

    record Response(int status, String contentType, byte[] body, String sessionId) {
    }

    Response handle(Http1Request request) {
        if (!request.path().startsWith(PREFIX) || request.path().length() == PREFIX.length()) {
            return json(404, "{\"error\":\"no such resource\"}", null);
        }
        String rest = request.path().substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String sessionId = slash < 0 ? rest : rest.substring(0, slash);
        int status = requestedStatus(request.query());
        String body = "{"
                + "\"session\":" + Json.quote(sessionId)
                + ",\"method\":" + Json.quote(request.method())
                + ",\"path\":" + Json.quote(request.path())
                + ",\"query\":" + Json.quote(request.query())
                + ",\"request_id\":" + Json.quote(request.header("x-request-id"))
                + ",\"content_type\":" + Json.quote(request.header("content-type"))
                + ",\"body\":" + Json.quote(Http1RequestReader.decode(request.body()))
                + "}";
        if (status == 204 || status == 304) {
            body = ""; // these statuses must not carry a body
        }
        return json(status, body, sessionId);
    }

    private static int requestedStatus(String query) {
        if (query == null) {
            return 200;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("status=")) {
                try {
                    int status = Integer.parseInt(pair.substring("status=".length()));
                    if (status >= 200 && status <= 599) {
                        return status;
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to 200: the status switch is only a test aid
                }
            }
        }
        return 200;
    }

    private static Response json(int status, String body, String sessionId) {
        return new Response(status, "application/json", body.getBytes(StandardCharsets.UTF_8), sessionId);
    }
}
