package io.httppool.it.apps;

import java.net.Authenticator;
import java.net.CookieManager;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;

/**
 * The JDK's {@code java.net.http.HttpClient}: {@code HttpClient.newHttpClient()} per request. The trust-all
 * context is made once (a per-request one would be a new setup each time); {@code closing} calls
 * {@code close()} on JDK 21+ (by reflection: this class compiles for 17).
 */
final class JdkLibrary implements ClientLibrary {

    private static final SSLContext TRUST_ALL = TrustAll.context();

    @Override
    public Object newClient(String habit) {
        switch (habit) {
            case "default":
            case "closing":
                return HttpClient.newHttpClient();
            case "trustall":
                return HttpClient.newBuilder().sslContext(TRUST_ALL).build();
            case "cookies":
                return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            default:
                throw new IllegalArgumentException("unknown habit '" + habit + "'");
        }
    }

    /**
     * {@code proxy(ProxySelector.of(address))}, and an authenticator answering the proxy's challenge when
     * credentials are given. Basic for proxy tunnels is off in the JDK by default
     * ({@code jdk.http.auth.tunneling.disabledSchemes}): the JVM must be started with it emptied.
     */
    @Override
    public Object newProxiedClient(String proxyHostPort, String userColonPassword) {
        ProxyCredentials proxy = ProxyCredentials.of(proxyHostPort, userColonPassword);
        HttpClient.Builder builder = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address()));
        if (proxy.hasCredentials()) {
            builder.authenticator(new ProxyAuthenticator(proxy.user(), proxy.password()));
        }
        return builder.build();
    }

    /** Proxy credentials only, made per client as application code does (final fields: equal ones are one setup). */
    private static final class ProxyAuthenticator extends Authenticator {
        private final String user;
        private final String password;

        ProxyAuthenticator(String user, String password) {
            this.user = user;
            this.password = password;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            return getRequestorType() == RequestorType.PROXY ? new PasswordAuthentication(user, password.toCharArray()) : null;
        }
    }

    @Override
    public Exchange.Outcome withClient(Object client, String method, String url, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
            if ("GET".equals(method)) {
                request.GET();
            } else {
                request.method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
            }
            HttpResponse<String> response = ((HttpClient) client).send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Exchange.Outcome(response.statusCode(), response.body(), null);
        } catch (java.io.IOException | RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Exchange.Outcome(0, null, e);
        }
    }

    /** {@code HttpClient.close()} where it exists (JDK 21+); on 17 the client is simply dropped. */
    @Override
    public void close(Object client) {
        try {
            HttpClient.class.getMethod("close").invoke(client);
        } catch (NoSuchMethodException jdk17) {
            // nothing to close on JDK 17
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
