package io.httppool.demo.backend;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/**
 * Serves one accepted connection: the TLS handshake when there is one, then requests one after
 * another for as long as the client keeps the connection (HTTP/1.1 keep-alive).
 */
final class Http1Connection {

    /** Longer than any demo run: idle pooled connections must survive between a run's phases. */
    static final int IDLE_TIMEOUT_MILLIS = 120_000;
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final BackendCounters counters;
    private final SessionResource resource;

    Http1Connection(BackendCounters counters, SessionResource resource) {
        this.counters = counters;
        this.resource = resource;
    }

    void serve(Socket socket) {
        try (socket) {
            if (socket instanceof SSLSocket tls && !handshake(tls)) {
                return;
            }
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            while (true) {
                Http1Request request;
                try {
                    request = Http1RequestReader.read(in);
                } catch (Http1RequestReader.MalformedRequestException e) {
                    write(out, 400, "text/plain", e.getMessage().getBytes(StandardCharsets.UTF_8), null, false);
                    return;
                }
                if (request == null) {
                    return;
                }
                SessionResource.Response response = resource.handle(request);
                boolean keepAlive = request.keepAlive();
                // Counted before the answer goes out: a client that has its answer finds the request counted
                // (counted after, a test's baseline read right after an earlier test's last answer missed it).
                counters.requestServed();
                write(out, response.status(), response.contentType(), response.body(), response.sessionId(), keepAlive);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away or idled out: routine for per-request clients, nothing to report.
        }
    }

    /**
     * Completes the handshake before reading anything, so a handshake counts once it has really
     * finished on the server side (not when the client merely connected).
     */
    private boolean handshake(SSLSocket socket) {
        try {
            socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            socket.startHandshake();
            counters.handshakeCompleted();
            return true;
        } catch (IOException e) {
            counters.handshakeFailed();
            return false;
        }
    }

    private static void write(OutputStream out, int status, String contentType, byte[] body,
                              String sessionId, boolean keepAlive) throws IOException {
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (sessionId != null) {
            head.append("X-Session-Id: ").append(sessionId).append("\r\n");
        }
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        // One flush per response: head and body leave in one segment (TCP_NODELAY is on).
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
