package io.httppool.it.apps;

import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import okhttp3.Cookie;
import okhttp3.Credentials;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * OkHttp: {@code new OkHttpClient()} per request; {@code closing} then does OkHttp's documented clean-up
 * ({@code dispatcher().executorService().shutdown()} and {@code connectionPool().evictAll()}). Uses only API
 * that OkHttp 3.14, 4.x and 5.x share, so the same app runs against each.
 */
final class OkHttpLibrary implements ClientLibrary {

    private static final SSLContext TRUST_ALL = TrustAll.context();

    @Override
    public Object newClient(String habit) {
        switch (habit) {
            case "default":
            case "closing":
                return new OkHttpClient();
            case "trustall":
                return new OkHttpClient.Builder()
                        .sslSocketFactory(TRUST_ALL.getSocketFactory(), TrustAll.MANAGER)
                        .hostnameVerifier((host, session) -> true)
                        .build();
            case "cookies":
                return new OkHttpClient.Builder().cookieJar(new MemoryCookieJar()).build();
            default:
                throw new IllegalArgumentException("unknown habit '" + habit + "'");
        }
    }

    /**
     * {@code proxy(new Proxy(HTTP, address))}, and a {@code proxyAuthenticator} answering the proxy's 407 with
     * Basic credentials (once: a second 407 is the answer) when given; a new authenticator per client, as
     * application code makes it.
     */
    @Override
    public Object newProxiedClient(String proxyHostPort, String userColonPassword) {
        ProxyCredentials proxy = ProxyCredentials.of(proxyHostPort, userColonPassword);
        OkHttpClient.Builder builder = new OkHttpClient.Builder().proxy(new java.net.Proxy(java.net.Proxy.Type.HTTP, proxy.address()));
        if (proxy.hasCredentials()) {
            String authorization = Credentials.basic(proxy.user(), proxy.password());
            builder.proxyAuthenticator((route, response) -> response.request().header("Proxy-Authorization") != null ? null
                    : response.request().newBuilder().header("Proxy-Authorization", authorization).build());
        }
        return builder.build();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Exchange.Outcome withClient(Object client, String method, String url, String body) {
        Request.Builder request = new Request.Builder().url(url);
        if (!"GET".equals(method)) {
            request.method(method, RequestBody.create(MediaType.parse("text/plain"), body == null ? "" : body));
        }
        try (Response response = ((OkHttpClient) client).newCall(request.build()).execute()) {
            return new Exchange.Outcome(response.code(), response.body().string(), null);
        } catch (java.io.IOException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        }
    }

    /**
     * OkHttp has no client close: the habit is the response neither read nor closed and the client
     * dropped, which OkHttp's own leak detection is for (the same with the agent as without it).
     */
    @Override
    @SuppressWarnings("resource")
    public Exchange.Outcome closeClientNotResponse(String habit, String url) {
        try {
            Response response = ((OkHttpClient) newClient(habit)).newCall(new Request.Builder().url(url).build()).execute();
            return new Exchange.Outcome(response.code(), "", null);
        } catch (java.io.IOException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        }
    }

    /** OkHttp's documented clean-up of a client no longer needed. */
    @Override
    public void close(Object client) {
        ((OkHttpClient) client).dispatcher().executorService().shutdown();
        ((OkHttpClient) client).connectionPool().evictAll();
    }

    /** A client's own cookie store. */
    private static final class MemoryCookieJar implements CookieJar {
        private final List<Cookie> cookies = new ArrayList<>();

        @Override
        public synchronized void saveFromResponse(HttpUrl url, List<Cookie> received) {
            cookies.addAll(received);
        }

        @Override
        public synchronized List<Cookie> loadForRequest(HttpUrl url) {
            List<Cookie> matching = new ArrayList<>();
            for (Cookie cookie : cookies) {
                if (cookie.matches(url)) {
                    matching.add(cookie);
                }
            }
            return matching;
        }
    }
}
