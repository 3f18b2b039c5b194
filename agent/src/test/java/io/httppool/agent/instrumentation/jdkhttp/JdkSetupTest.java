package io.httppool.agent.instrumentation.jdkhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.Authenticator;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** When two JDK clients may share one real client: only when nothing of their settings could tell them apart. */
class JdkSetupTest {

    private static JdkSetup setup(Object... values) {
        Object[] all = {null, null, null, null, null, null, null, null, null, -1};
        System.arraycopy(values, 0, all, 0, values.length);
        return JdkSetup.of(all);
    }

    /** Per request, around the same credentials: the same setup. */
    static final class FixedCredentials extends Authenticator {
        private final String user;
        private final char[] password;

        FixedCredentials(String user, String password) {
            this.user = user;
            this.password = password.toCharArray();
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            return new PasswordAuthentication(user, password);
        }
    }

    /** Mutable state of its own: only the same instance is the same setup. */
    static final class Counting extends Authenticator {
        int asked;
    }

    @Test
    void nothingSetIsTheDefaultSetupAndValuesCompareByValue() {
        assertEquals("default", setup().kind());
        assertEquals(setup().fingerprint(), setup().fingerprint());
        assertEquals("custom", setup(null, Duration.ofSeconds(5)).kind());
        assertEquals(setup(null, Duration.ofSeconds(5), HttpClient.Redirect.NORMAL).fingerprint(),
                setup(null, Duration.ofSeconds(5), HttpClient.Redirect.NORMAL).fingerprint(), "durations and enums by value");
        assertNotEquals(setup(null, Duration.ofSeconds(5)).fingerprint(), setup(null, Duration.ofSeconds(6)).fingerprint());
        assertEquals(setup(null, null, null, ProxySelector.of(new InetSocketAddress("proxy", 3128))).fingerprint(),
                setup(null, null, null, ProxySelector.of(new InetSocketAddress("proxy", 3128))).fingerprint(),
                "the JDK's static proxy selector by its proxy");
        assertNotEquals(setup(null, null, null, ProxySelector.of(new InetSocketAddress("proxy", 3128))).fingerprint(),
                setup(null, null, null, ProxySelector.of(new InetSocketAddress("other", 3128))).fingerprint());
    }

    @Test
    void cookieHandlersAndContextsAreTheirClientsOwn() throws Exception {
        CookieManager cookies = new CookieManager();
        assertEquals(setup(cookies).fingerprint(), setup(cookies).fingerprint(), "one handler shared on purpose");
        assertNotEquals(setup(new CookieManager()).fingerprint(), setup(new CookieManager()).fingerprint(),
                "two clients with a cookie store each never share one client");
        SSLContext one = SSLContext.getInstance("TLS");
        SSLContext two = SSLContext.getInstance("TLS");
        assertNotEquals(setup(null, null, null, null, null, null, null, one).fingerprint(),
                setup(null, null, null, null, null, null, null, two).fingerprint(), "TLS contexts by identity");
    }

    @Test
    void authenticatorsWithTheSameFinalCredentialsShareOthersDoNot() {
        assertEquals(setup(null, null, null, null, new FixedCredentials("u", "p")).fingerprint(),
                setup(null, null, null, null, new FixedCredentials("u", "p")).fingerprint());
        assertNotEquals(setup(null, null, null, null, new FixedCredentials("u", "p")).fingerprint(),
                setup(null, null, null, null, new FixedCredentials("v", "p")).fingerprint(), "other credentials, another setup");
        assertNotEquals(setup(null, null, null, null, new Counting()).fingerprint(),
                setup(null, null, null, null, new Counting()).fingerprint(), "mutable authenticators by identity");
    }

    @Test
    void sslParametersCompareByWhatAConnectionUses() {
        SSLParameters tls13 = new SSLParameters(null, new String[] {"TLSv1.3"});
        SSLParameters alsoTls13 = new SSLParameters(null, new String[] {"TLSv1.3"});
        SSLParameters tls12 = new SSLParameters(null, new String[] {"TLSv1.2"});
        assertEquals(setup(null, null, null, null, null, null, null, null, tls13).fingerprint(),
                setup(null, null, null, null, null, null, null, null, alsoTls13).fingerprint());
        assertNotEquals(setup(null, null, null, null, null, null, null, null, tls13).fingerprint(),
                setup(null, null, null, null, null, null, null, null, tls12).fingerprint());
    }
}
