package io.httppool.it.apps;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/** One request, the way application code writes it, and its outcome as one line of text. */
public final class Exchange {

    private Exchange() {
    }

    /** The result of one request: a status and body, or the exception's class and message. */
    public static final class Outcome {
        public final int status;
        public final String body;
        public final Throwable error;

        public Outcome(int status, String body, Throwable error) {
            this.status = status;
            this.body = body;
            this.error = error;
        }

        public boolean ok() {
            return error == null;
        }

        /** {@code OK <status> <url-encoded body>} or {@code ERR <exception class> <url-encoded message>}. */
        public String line() {
            if (error == null) {
                return "OK " + status + " " + enc(body);
            }
            return "ERR " + error.getClass().getName() + " " + enc(String.valueOf(error.getMessage()));
        }
    }

    /**
     * The per-request habit: a new client and the response both closed by try-with-resources.
     */
    public static Outcome perRequest(Habits habits, String mode, String method, String url, String body) {
        try (CloseableHttpClient client = habits.newClient(mode)) {
            return withClient(client, method, url, body);
        } catch (IOException | RuntimeException e) {
            // close() failures and client construction failures count as failures of the request
            return new Outcome(0, null, e);
        }
    }

    /**
     * The habit of issue 14: the client is closed (try-with-resources), the response is not, and its body
     * is never read: {@code try (client) { return client.execute(get).getCode(); }}.
     */
    @SuppressWarnings({"deprecation", "resource"})
    public static Outcome closeClientNotResponse(Habits habits, String mode, String url) {
        try (CloseableHttpClient client = habits.newClient(mode)) {
            CloseableHttpResponse response = client.execute(new HttpGet(url));
            return new Outcome(response.getCode(), "", null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(0, null, e);
        }
    }

    /** A response whose client was closed before its body is read: what reading it then does. */
    @SuppressWarnings({"deprecation", "resource"})
    public static Outcome readAfterClientClosed(Habits habits, String mode, String url) {
        CloseableHttpResponse response;
        try (CloseableHttpClient client = habits.newClient(mode)) {
            response = client.execute(new HttpGet(url));
        } catch (IOException | RuntimeException e) {
            return new Outcome(0, null, e);
        }
        try (response) {
            HttpEntity entity = response.getEntity();
            String text = entity == null ? "" : EntityUtils.toString(entity, StandardCharsets.UTF_8);
            return new Outcome(response.getCode(), text, null);
        } catch (IOException | ParseException | RuntimeException e) {
            return new Outcome(0, null, e);
        }
    }

    @SuppressWarnings("deprecation")
    public static Outcome withClient(CloseableHttpClient client, String method, String url, String body) {
        HttpUriRequestBase request = request(method, url, body);
        try (CloseableHttpResponse response = client.execute(request)) {
            HttpEntity entity = response.getEntity();
            String text = entity == null ? "" : EntityUtils.toString(entity, StandardCharsets.UTF_8);
            return new Outcome(response.getCode(), text, null);
        } catch (IOException | ParseException | RuntimeException e) {
            return new Outcome(0, null, e);
        }
    }

    static HttpUriRequestBase request(String method, String url, String body) {
        switch (method) {
            case "GET":
                return new HttpGet(url);
            case "POST": {
                HttpPost post = new HttpPost(url);
                post.setEntity(new StringEntity(body == null ? "" : body, ContentType.TEXT_PLAIN));
                return post;
            }
            default:
                return new HttpUriRequestBase(method, java.net.URI.create(url));
        }
    }

    static String enc(String s) {
        return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Parses {@code key=value} program arguments. */
    public static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }
}
