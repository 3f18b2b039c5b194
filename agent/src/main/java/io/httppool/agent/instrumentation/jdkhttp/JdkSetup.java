package io.httppool.agent.instrumentation.jdkhttp;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.pool.SetupFingerprint;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Everything an {@code HttpClient.Builder} was given, in the order {@link JdkHttpInstrumentation} reads
 * the builder's fields; and how to build a client of that setup through the public builder.
 *
 * <p>In the JDK client every one of these lives in the client itself (its connection pool is keyed by
 * address only), so two clients may share one only when all of them are the same. Compared by value
 * where the value is provably all there is (durations, enums, addresses, the JDK's static proxy
 * selector, SSL parameters, an authenticator whose own fields are all final), by identity otherwise
 * (a cookie handler, an executor, an SSLContext).
 */
record JdkSetup(CookieHandler cookieHandler, Duration connectTimeout, HttpClient.Redirect followRedirects,
                ProxySelector proxy, Authenticator authenticator, HttpClient.Version version, Executor executor,
                SSLContext sslContext, SSLParameters sslParams, int priority, InetAddress localAddress) {

    static JdkSetup of(Object[] v) {
        return new JdkSetup((CookieHandler) v[0], (Duration) v[1], (HttpClient.Redirect) v[2], (ProxySelector) v[3],
                (Authenticator) v[4], (HttpClient.Version) v[5], (Executor) v[6], (SSLContext) v[7],
                (SSLParameters) v[8], (Integer) v[9], v.length > 10 ? (InetAddress) v[10] : null);
    }

    /** {@code default}: nothing set; {@code custom} otherwise. */
    String kind() {
        boolean nothingSet = cookieHandler == null && connectTimeout == null && followRedirects == null && proxy == null
                && authenticator == null && version == null && executor == null && sslContext == null && sslParams == null
                && priority == -1 && localAddress == null;
        return nothingSet ? "default" : "custom";
    }

    SetupFingerprint fingerprint() {
        return SetupFingerprint.ofParts("jdk", cookieHandler, connectTimeout, followRedirects, proxyPart(), authenticatorPart(),
                version, executor, sslContext, sslParamsPart(), priority, localAddress);
    }

    /** A client of this setup, built through the public builder (the caller keeps the agent's build hook out). */
    HttpClient build() throws ReflectiveOperationException {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (cookieHandler != null) {
            builder.cookieHandler(cookieHandler);
        }
        if (connectTimeout != null) {
            builder.connectTimeout(connectTimeout);
        }
        if (followRedirects != null) {
            builder.followRedirects(followRedirects);
        }
        if (proxy != null) {
            builder.proxy(proxy);
        }
        if (authenticator != null) {
            builder.authenticator(authenticator);
        }
        if (version != null) {
            builder.version(version);
        }
        if (executor != null) {
            builder.executor(executor);
        }
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        if (sslParams != null) {
            builder.sslParameters(sslParams);
        }
        if (priority != -1) {
            builder.priority(priority);
        }
        if (localAddress != null) {
            // HttpClient.Builder.localAddress(InetAddress) exists since JDK 19; this class is compiled for 17.
            HttpClient.Builder.class.getMethod("localAddress", InetAddress.class).invoke(builder, localAddress);
        }
        return builder.build();
    }

    /** The JDK's own {@code ProxySelector.of(address)} by the proxies it answers; any other selector by the rules. */
    private Object proxyPart() {
        if (proxy != null && proxy.getClass().getName().equals("java.net.ProxySelector$StaticProxySelector")) {
            return new Object[] {"static-proxy", proxy.select(URI.create("http://any")).toArray()};
        }
        return proxy;
    }

    /**
     * An authenticator made per request around the same credentials (a lambda-like subclass with final
     * fields) shares; one with mutable fields of its own is compared by identity. {@code Authenticator}'s
     * own fields are the scratch state of one request for credentials and do not count.
     */
    private Object authenticatorPart() {
        if (authenticator == null) {
            return null;
        }
        List<Object> parts = new ArrayList<>();
        parts.add(authenticator.getClass());
        for (Class<?> type = authenticator.getClass(); type != Authenticator.class && type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                if (!Modifier.isFinal(field.getModifiers())) {
                    return authenticator; // mutable state of its own: by identity
                }
                LibraryField readable = LibraryField.of(field);
                if (readable == null) {
                    return authenticator; // a class of a module not open to the agent: by identity
                }
                parts.add(readable.get(authenticator));
            }
        }
        return parts.toArray();
    }

    /** SSL parameters by the values a connection uses (the builder keeps a copy, never the caller's instance). */
    private Object sslParamsPart() {
        if (sslParams == null) {
            return null;
        }
        List<Object> serverNames = new ArrayList<>();
        if (sslParams.getServerNames() != null) {
            sslParams.getServerNames().forEach(name -> serverNames.add(name.toString()));
        }
        return new Object[] {sslParams.getCipherSuites(), sslParams.getProtocols(), sslParams.getNeedClientAuth(),
                sslParams.getWantClientAuth(), sslParams.getEndpointIdentificationAlgorithm(), sslParams.getUseCipherSuitesOrder(),
                sslParams.getApplicationProtocols(), sslParams.getMaximumPacketSize(), serverNames.toArray(),
                sslParams.getAlgorithmConstraints(),
                sslParams.getSNIMatchers() == null ? null : sslParams.getSNIMatchers().toArray()};
    }
}
