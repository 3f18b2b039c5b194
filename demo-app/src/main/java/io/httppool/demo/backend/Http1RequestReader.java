package io.httppool.demo.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.x requests from a connection: request line, headers, and a body given by
 * Content-Length or chunked encoding. Just enough HTTP for the demo's proxy and tests, with size
 * limits so a confused client cannot make the backend allocate without bound.
 */
final class Http1RequestReader {

    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_BODY = 1024 * 1024;

    private Http1RequestReader() {
    }

    /** Returns {@code null} on a clean end of stream before a new request (client closed). */
    static Http1Request read(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new MalformedRequestException("bad request line: " + requestLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            String line = readLine(in);
            if (line == null) {
                throw new MalformedRequestException("connection closed inside the headers");
            }
            if (line.isEmpty()) {
                break;
            }
            if (i >= MAX_HEADERS) {
                throw new MalformedRequestException("too many headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedRequestException("bad header line: " + line);
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        return new Http1Request(parts[0], path, query, parts[2], headers, readBody(in, headers));
    }

    private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
        String transferEncoding = headers.getOrDefault("transfer-encoding", "");
        if (transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunked(in);
        }
        String contentLength = headers.get("content-length");
        if (contentLength == null) {
            return new byte[0];
        }
        long length;
        try {
            length = Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            throw new MalformedRequestException("bad Content-Length: " + contentLength);
        }
        if (length < 0 || length > MAX_BODY) {
            throw new MalformedRequestException("Content-Length out of range: " + contentLength);
        }
        return readExactly(in, (int) length);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new MalformedRequestException("connection closed inside a chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new MalformedRequestException("bad chunk size: " + sizeLine);
            }
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new MalformedRequestException("chunked body too large");
            }
            if (size == 0) {
                // trailers, up to the empty line
                String trailer;
                do {
                    trailer = readLine(in);
                } while (trailer != null && !trailer.isEmpty());
                return body.toByteArray();
            }
            body.write(readExactly(in, size));
            readLine(in); // the CRLF after the chunk data
        }
    }

    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] data = in.readNBytes(length);
        if (data.length != length) {
            throw new MalformedRequestException("connection closed inside the body");
        }
        return data;
    }

    /** A line without its CRLF (a bare LF is accepted too), or {@code null} at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b == -1) {
                if (line.length() == 0) {
                    return null;
                }
                throw new MalformedRequestException("connection closed inside a line");
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new MalformedRequestException("line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xff)); // ISO-8859-1, as HTTP/1.1 header bytes are
        }
    }

    static final class MalformedRequestException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedRequestException(String message) {
            super(message);
        }
    }

    static String decode(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
