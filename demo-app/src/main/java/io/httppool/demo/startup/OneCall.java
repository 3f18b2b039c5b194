package io.httppool.demo.startup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * One real GET, written the way code that builds a client per call writes it, then the JVM exits:
 * the whole life of a short-lived JVM (a CLI tool, a batch job, a serverless function) that calls
 * out once. The habits are the same as the session proxy's naive mode.
 *
 * <p>One nested class per library: a class is loaded and verified only when used, so the one-call
 * JVM of one library loads nothing of the others.
 */
final class OneCall {

    private OneCall() {
    }

    static void main(String url, String client) throws Exception {
        int status = switch (client) {
            case "apache5" -> Apache5.call(url);
            case "jdk" -> Jdk.call(url);
            case "okhttp" -> OkHttp.call(url);
            case "apache4" -> Apache4.call(url);
            case "apache5-async" -> Apache5Async.call(url);
            default -> throw new IllegalArgumentException("unknown client " + client);
        };
        if (status != 200) {
            throw new IOException("GET " + url + " answered " + status);
        }
        System.out.println("hello, " + client + " got " + status);
    }

    private static final class Apache5 {
        private Apache5() {
        }

        static int call(String url) throws IOException {
            try (CloseableHttpClient client = HttpClients.createDefault()) {
                return client.execute(new HttpGet(url), response -> {
                    EntityUtils.consume(response.getEntity());
                    return response.getCode();
                });
            }
        }
    }

    private static final class Jdk {
        private Jdk() {
        }

        static int call(String url) throws IOException, InterruptedException {
            HttpClient client = HttpClient.newHttpClient();
            return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    private static final class OkHttp {
        private OkHttp() {
        }

        static int call(String url) throws IOException {
            OkHttpClient client = new OkHttpClient();
            try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
                response.body().string();
                return response.code();
            } finally {
                client.connectionPool().evictAll();
            }
        }
    }

    private static final class Apache4 {
        private Apache4() {
        }

        static int call(String url) throws IOException {
            try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.createDefault();
                 org.apache.http.client.methods.CloseableHttpResponse response =
                         client.execute(new org.apache.http.client.methods.HttpGet(url))) {
                org.apache.http.util.EntityUtils.consume(response.getEntity());
                return response.getStatusLine().getStatusCode();
            }
        }
    }

    private static final class Apache5Async {
        private Apache5Async() {
        }

        static int call(String url) throws Exception {
            try (CloseableHttpAsyncClient client = HttpAsyncClients.createDefault()) {
                client.start();
                SimpleHttpResponse response = client.execute(SimpleRequestBuilder.get(url).build(), null).get();
                return response.getCode();
            }
        }
    }
}
