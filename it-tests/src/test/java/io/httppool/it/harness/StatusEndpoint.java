package io.httppool.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's status server of one child JVM ({@code HTTP_POOL_STATUS_PORT=0}), read from the test JVM
 * (which has no agent) with plain {@link HttpURLConnection}: the port comes from the agent's log line
 * {@code Status server listening on http://127.0.0.1:<port>/ (GET /health, GET /metrics)}. The host of that
 * line is whatever the server bound ({@code 0.0.0.0}, {@code [0:0:0:0:0:0:0:1]}...); requests go to it, or to
 * the host given to {@link #via(String)}.
 */
public final class StatusEndpoint {

    private static final Pattern LISTENING = Pattern.compile("Status server listening on http://(\\[[0-9A-Fa-f:.%a-z]+\\]|[^:/\\s]+):(\\d+)/");

    private final String loggedHost;
    private final String host;
    private final int port;

    private StatusEndpoint(String loggedHost, String host, int port) {
        this.loggedHost = loggedHost;
        this.host = host;
        this.port = port;
    }

    /** Waits (up to {@code wait}) for the agent's "Status server listening" line in {@code stderr}. */
    public static StatusEndpoint await(Supplier<String> stderr, Duration wait, Supplier<String> context) {
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            Matcher m = LISTENING.matcher(stderr.get());
            if (m.find()) {
                return new StatusEndpoint(m.group(1), m.group(1), Integer.parseInt(m.group(2)));
            }
            sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no '" + AgentLog.TAG + " ... Status server listening on http://<host>:<port>/' line within "
                + wait + "\n" + context.get());
    }

    public static StatusEndpoint await(JvmRunner.Interactive app) {
        return await(app::stderr, Duration.ofSeconds(30), app::describe);
    }

    public int port() {
        return port;
    }

    /** The host as the agent's log line wrote it: {@code 127.0.0.1}, {@code 0.0.0.0}, {@code [0:0:0:0:0:0:0:1]}... */
    public String loggedHost() {
        return loggedHost;
    }

    /** The same server, reached through another host (e.g. {@code 127.0.0.1} for a server bound to {@code 0.0.0.0}, or {@code [::1]}). */
    public StatusEndpoint via(String otherHost) {
        return new StatusEndpoint(loggedHost, otherHost, port);
    }

    /** One answer of the status server. */
    public static final class Reply {
        public final int status;
        public final String contentType;
        public final String body;

        Reply(int status, String contentType, String body) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
        }

        @Override
        public String toString() {
            return status + " (" + contentType + ")\n" + body;
        }
    }

    public Reply get(String path) {
        return request("GET", path);
    }

    public Reply request(String method, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host + ":" + port + path).toURL().openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout(5000);
            c.setReadTimeout(10_000);
            c.setUseCaches(false);
            int status = c.getResponseCode();
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (in != null) {
                in.close();
            }
            String type = c.getContentType();
            c.disconnect();
            return new Reply(status, type, body);
        } catch (IOException e) {
            throw new UncheckedIOException("status server on " + host + " port " + port + ": " + method + " " + path, e);
        }
    }

    /** GET /health, with the verdict of one pool picked out. */
    public Health health() {
        return new Health(get("/health"));
    }

    /** GET /metrics, parsed. */
    public Metrics metrics() {
        Reply r = get("/metrics");
        if (r.status != 200) {
            throw new AssertionError("GET /metrics: " + r);
        }
        return new Metrics(r.body);
    }

    /** Polls /health until {@code pool} is in {@code state}; returns the last reply read. */
    public Health awaitPoolState(String pool, String state, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Health h;
        do {
            h = health();
            if (state.equals(h.pool(pool).get("state"))) {
                return h;
            }
            sleep(25);
        } while (System.nanoTime() < deadline);
        return h;
    }

    /** A /health answer; the fields of a pool are read with a small regex, enough for the agent's flat JSON. */
    public static final class Health {
        public final Reply reply;

        Health(Reply reply) {
            this.reply = reply;
        }

        /** {@code UP} or {@code DOWN}. */
        public String status() {
            Matcher m = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z]+)\"").matcher(reply.body);
            return m.find() ? m.group(1) : null;
        }

        /** The string and number fields of the pool of that name; empty when the pool is not listed. */
        public Map<String, String> pool(String name) {
            Map<String, String> fields = new LinkedHashMap<>();
            int at = reply.body.indexOf("\"name\":\"" + name + "\"");
            if (at < 0) {
                return fields;
            }
            int start = reply.body.lastIndexOf('{', at);
            int end = reply.body.indexOf('}', at);
            String object = reply.body.substring(start, end + 1);
            Matcher m = Pattern.compile("\"([a-z_]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.]+|null|true|false)").matcher(object);
            while (m.find()) {
                fields.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
            }
            return fields;
        }

        @Override
        public String toString() {
            return reply.toString();
        }
    }

    /** A Prometheus text answer: sample name with its labels as written ({@code name{a="b"}}) to value. */
    public static final class Metrics {
        public final String text;
        private final Map<String, Double> samples = new LinkedHashMap<>();

        Metrics(String text) {
            this.text = text;
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1).trim()));
            }
        }

        /**
         * The value of {@code name} with exactly these labels (in the agent's order: {@code pool} first),
         * e.g. {@code value("http_client_errors_total", "pool", "apache5/default", "kind", "io")}.
         */
        public double value(String name, String... labels) {
            Double v = samples.get(key(name, labels));
            if (v == null) {
                throw new AssertionError("no sample " + key(name, labels) + " in /metrics:\n" + text);
            }
            return v;
        }

        /** A counter or gauge of the pool, as a long. */
        public long pool(String name, String pool, String... moreLabels) {
            String[] labels = new String[2 + moreLabels.length];
            labels[0] = "pool";
            labels[1] = pool;
            System.arraycopy(moreLabels, 0, labels, 2, moreLabels.length);
            return (long) value(name, labels);
        }

        private static String key(String name, String... labels) {
            if (labels.length == 0) {
                return name;
            }
            StringBuilder sb = new StringBuilder(name).append('{');
            for (int i = 0; i < labels.length; i += 2) {
                sb.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
            }
            return sb.append('}').toString();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
