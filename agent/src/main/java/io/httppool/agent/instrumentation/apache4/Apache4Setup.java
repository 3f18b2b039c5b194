package io.httppool.agent.instrumentation.apache4;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.pool.SetupFingerprint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.http.impl.client.HttpClientBuilder;

/**
 * The connection-level part of an {@code HttpClientBuilder}: the fields its {@code build()} reads to make
 * a connection manager when the application set none (HttpClient 4.5 has no builder for the manager).
 * Everything else of the builder (cookies, credentials, redirects, interceptors, request config, user
 * token handling...) stays with each client.
 *
 * <p>Two clients share a pool only when every one of these fields is interchangeable by the rules of
 * {@link SetupFingerprint} (an SSL socket factory, SSLContext or host name verifier compare by identity
 * unless all their fields are final and equal), and, for {@code useSystemProperties()}, the system
 * properties {@code build()} reads were the same.
 */
final class Apache4Setup {

    /** Every field of HttpClientBuilder that build() reads to make its connection manager. */
    static final List<String> CONNECTION_FIELDS = List.of("sslSocketFactory", "sslContext", "hostnameVerifier",
            "publicSuffixMatcher", "dnsResolver", "defaultSocketConfig", "defaultConnectionConfig", "connTimeToLive",
            "connTimeToLiveTimeUnit", "systemProperties", "maxConnTotal", "maxConnPerRoute");
    /** The system properties build() reads for the connection manager under useSystemProperties(). */
    static final List<String> SYSTEM_PROPERTIES = List.of("https.protocols", "https.cipherSuites", "http.keepAlive",
            "http.maxConnections");

    private static final LibraryField[] FIELDS = fields();

    private final Object[] values;

    private Apache4Setup(Object[] values) {
        this.values = values;
    }

    /** Whether this HttpClient version has every field the agent reads (else no client builder is pooled). */
    static boolean readable() {
        return FIELDS != null;
    }

    static Apache4Setup of(HttpClientBuilder builder) {
        Object[] values = new Object[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            values[i] = FIELDS[i].get(builder);
        }
        return new Apache4Setup(values);
    }

    /** The setup of {@code HttpClientBuilder.create()}: what {@code new PoolingHttpClientConnectionManager()} is equal to. */
    static Apache4Setup defaults() {
        return of(HttpClientBuilder.create());
    }

    private Object value(String field) {
        return values[CONNECTION_FIELDS.indexOf(field)];
    }

    SetupFingerprint fingerprint() {
        List<Object> parts = new ArrayList<>(values.length + SYSTEM_PROPERTIES.size());
        for (Object value : values) {
            parts.add(value);
        }
        if (systemProperties()) {
            for (String property : SYSTEM_PROPERTIES) {
                parts.add(System.getProperty(property));
            }
        }
        return SetupFingerprint.ofParts("apache4", parts.toArray());
    }

    boolean systemProperties() {
        return Boolean.TRUE.equals(value("systemProperties"));
    }

    /** The limits set with setMaxConnTotal / setMaxConnPerRoute; 0 when not set. */
    int maxTotal() {
        return (Integer) value("maxConnTotal");
    }

    int maxPerRoute() {
        return (Integer) value("maxConnPerRoute");
    }

    /** The DNS resolver the application set, or null. */
    Object dnsResolver() {
        return value("dnsResolver");
    }

    /** The socket config the application set, or null. */
    Object socketConfig() {
        return value("defaultSocketConfig");
    }

    /** Whether the application set a connection time-to-live (the library then retires connections itself). */
    boolean timeToLiveSet() {
        return (Long) value("connTimeToLive") > 0;
    }

    /** "default", "system" (useSystemProperties() only) or "custom" (anything the application configured). */
    String kind() {
        for (int i = 0; i < values.length; i++) {
            String field = CONNECTION_FIELDS.get(i);
            Object value = values[i];
            boolean atDefault = value == null || Boolean.FALSE.equals(value) || Integer.valueOf(0).equals(value)
                    || Long.valueOf(-1).equals(value) || (field.equals("connTimeToLiveTimeUnit") && value == TimeUnit.MILLISECONDS);
            if (!atDefault && !field.equals("systemProperties")) {
                return "custom";
            }
        }
        return systemProperties() ? "system" : "default";
    }

    /** Writes this setup's fields onto {@code builder} (a fresh one the agent builds a manager with). */
    void applyTo(HttpClientBuilder builder) {
        for (int i = 0; i < FIELDS.length; i++) {
            FIELDS[i].set(builder, values[i]);
        }
    }

    private static LibraryField[] fields() {
        LibraryField[] fields = new LibraryField[CONNECTION_FIELDS.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = LibraryField.declared(HttpClientBuilder.class, CONNECTION_FIELDS.get(i));
            if (fields[i] == null) {
                return null;
            }
        }
        return fields;
    }
}
