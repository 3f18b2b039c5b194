package io.httppool.it.apps;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The {@link Habits} written with API of HttpClient 5.2+ ({@code ConnectionConfig}) and 5.4+
 * ({@code TlsSocketStrategy}). Kept apart so that {@link Habits} itself still loads on HttpClient 5.0/5.1
 * (the JVM verifies a whole class when it loads it, and would look for these types).
 */
final class Habits52 {

    private Habits52() {
    }

    static CloseableHttpClient pooling(Long socketTimeoutMs) {
        PoolingHttpClientConnectionManagerBuilder cm = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(50)
                .setMaxConnPerRoute(20);
        if (socketTimeoutMs != null) {
            cm.setDefaultConnectionConfig(ConnectionConfig.custom()
                    .setSocketTimeout(Timeout.ofMilliseconds(socketTimeoutMs))
                    .build());
        }
        return HttpClients.custom()
                .setConnectionManager(cm.build())
                .setUserAgent("it-pooling-client/1.0")
                .build();
    }

    static CloseableHttpClient trustAll(SSLContext trustAll) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(trustAll, NoopHostnameVerifier.INSTANCE))
                        .build())
                .build();
    }

    static CloseableHttpClient noVerify() {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(SSLContexts.createDefault(), NoopHostnameVerifier.INSTANCE))
                        .build())
                .build();
    }

    static CloseableHttpClient noValidate() {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setValidateAfterInactivity(TimeValue.NEG_ONE_MILLISECOND)
                                .build())
                        .build())
                .build();
    }
}
