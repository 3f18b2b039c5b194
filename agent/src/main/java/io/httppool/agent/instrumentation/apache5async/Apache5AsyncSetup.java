package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.pool.SetupFingerprint;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ProxySelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.H2AsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.nio.AsyncClientConnectionManager;
import org.apache.hc.core5.reactor.IOSessionListener;

/**
 * What an async client builder ({@code HttpAsyncClientBuilder} or {@code H2AsyncClientBuilder}) was given,
 * read field by field at {@code build()} (whatever this HttpClient version has), in two parts:
 * <ul>
 *   <li>the client's own state ({@link #PER_CLIENT}: cookie store, credentials provider, default request
 *       config, cookie-spec and auth-scheme registries), which the library takes from a request's context
 *       when the context has them: each application client keeps its own (see {@link Apache5AsyncClientState});</li>
 *   <li>everything else (connection manager, TLS, I/O reactor and protocol configs, interceptors, retry and
 *       redirect strategies, route planner, user agent, default headers...): the setup that one shared real
 *       client serves. Two builders share only when these compare equal under {@link SetupFingerprint}'s
 *       rules (by value where every field is final, by identity otherwise), so nothing the shared client does
 *       could tell their requests apart.</li>
 * </ul>
 */
final class Apache5AsyncSetup {

    /** The builder for HTTP/1.1 (and HTTP/2 negotiated by ALPN) or the HTTP/2-only one. */
    enum Protocol {
        HTTP, H2
    }

    /** Builder fields that are the client's own state: the library reads each from the request context first. */
    static final Set<String> PER_CLIENT = Set.of("cookieStore", "credentialsProvider", "defaultRequestConfig",
            "cookieSpecRegistry", "authSchemeRegistry");

    /** Builder fields that say nothing about requests: whether close() closes the manager (kept per client). */
    private static final Set<String> NOT_SETUP = Set.of("connManagerShared");

    private static final ClassValue<LibraryField[]> FIELDS = new ClassValue<>() {
        @Override
        protected LibraryField[] computeValue(Class<?> type) {
            List<LibraryField> fields = new ArrayList<>();
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !Modifier.isFinal(field.getModifiers())) {
                    fields.add(LibraryField.required(field));
                }
            }
            return fields.toArray(new LibraryField[0]);
        }
    };

    private final Protocol protocol;
    private final LibraryField[] fields;
    private final Object[] values;
    private final Apache5AsyncManagers.Recipe manager;
    private final String leftAlone;
    private final SetupFingerprint fingerprint;
    private final String kind;

    private Apache5AsyncSetup(Protocol protocol, LibraryField[] fields, Object[] values, Apache5AsyncManagers.Recipe manager,
                              String leftAlone) {
        this.protocol = protocol;
        this.fields = fields;
        this.values = values;
        this.manager = manager;
        this.leftAlone = leftAlone;
        this.fingerprint = leftAlone == null ? computeFingerprint() : null;
        this.kind = leftAlone == null ? describe() : null;
    }

    /** Reads {@code builder}; its collections are copied, so a builder changed after build() changes nothing here. */
    static Apache5AsyncSetup read(Object builder, Protocol protocol) {
        Class<?> expected = protocol == Protocol.HTTP ? HttpAsyncClientBuilder.class : H2AsyncClientBuilder.class;
        LibraryField[] fields = FIELDS.get(expected);
        if (builder.getClass() != expected) {
            return new Apache5AsyncSetup(protocol, fields, new Object[fields.length], null, "built by " + builder.getClass().getName()
                    + ": a builder subclass may change how clients are made");
        }
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = copyOfCollection(fields[i].get(builder));
        }
        Apache5AsyncSetup read = new Apache5AsyncSetup(protocol, fields, values, null, null);
        return read.checked();
    }

    private static Object copyOfCollection(Object value) {
        if (value instanceof LinkedList) {
            return new LinkedList<>((LinkedList<?>) value);
        }
        if (value instanceof Collection) {
            return new ArrayList<>((Collection<?>) value);
        }
        return value;
    }

    /** This setup, or one that says why the client must be left to the library. */
    private Apache5AsyncSetup checked() {
        if (Boolean.TRUE.equals(value("connectionStateDisabled")) || value("userTokenHandler") != null) {
            return leftAlone("disableConnectionState() or a UserTokenHandler of its own: its authenticated connections"
                    + " would carry no user token, and shared they could serve another client as that user");
        }
        if (protocol == Protocol.H2 && value("routePlanner") != null) {
            return leftAlone("a route planner of its own");
        }
        Object given = value("connManager");
        if (given != null) {
            Apache5AsyncManagers.Recipe recipe = Apache5AsyncManagers.recipeOf(given);
            if (recipe == null) {
                return leftAlone("a connection manager not made by PoolingAsyncClientConnectionManagerBuilder.build(), or"
                        + " reconfigured or closed after it was built: its setup is unknown");
            }
            return new Apache5AsyncSetup(protocol, fields, values, recipe, null);
        }
        return this;
    }

    private Apache5AsyncSetup leftAlone(String reason) {
        return new Apache5AsyncSetup(protocol, fields, values, null, reason);
    }

    /** Why the library must build this client itself, or null when it can be pooled. */
    String leftAloneReason() {
        return leftAlone;
    }

    Protocol protocol() {
        return protocol;
    }

    SetupFingerprint fingerprint() {
        return fingerprint;
    }

    /** {@code default}, {@code system} (only useSystemProperties()), {@code h2}, {@code h2-system}, or {@code custom}. */
    String kind() {
        return kind;
    }

    /** The value the builder had in {@code field} (null when this HttpClient version has no such field). */
    Object value(String field) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name().equals(field)) {
                return values[i];
            }
        }
        return null;
    }

    /** The setup of the connection manager the application gave the builder, or null for the builder's default one. */
    Apache5AsyncManagers.Recipe manager() {
        return manager;
    }

    boolean systemProperties() {
        return Boolean.TRUE.equals(value("systemProperties"));
    }

    /**
     * Whether requests may go through an HTTP proxy: a proxy, proxy selector or route planner of the
     * application's, or the system properties with a proxy configured in the JVM. A tunnel authenticated
     * with one client's proxy credentials returns to the pool without a user token, so such connections
     * stay with the client that opened them (see {@link Apache5AsyncClientState}).
     */
    boolean mayUseProxies() {
        if (protocol == Protocol.H2) {
            return false; // no proxy support in the HTTP/2 builder without a route planner, which is left alone
        }
        return value("proxy") != null || value("proxySelector") != null || value("routePlanner") != null
                || systemProperties() && systemProxyConfigured();
    }

    private static boolean systemProxyConfigured() {
        for (String property : new String[] {"http.proxyHost", "https.proxyHost", "socksProxyHost"}) {
            String host = System.getProperty(property);
            if (host != null && !host.isBlank()) {
                return true;
            }
        }
        ProxySelector selector = ProxySelector.getDefault();
        return Boolean.getBoolean("java.net.useSystemProxies")
                || selector != null && !selector.getClass().getName().equals("sun.net.spi.DefaultProxySelector");
    }

    private SetupFingerprint computeFingerprint() {
        List<Object> parts = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
            String name = fields[i].name();
            if (PER_CLIENT.contains(name) || NOT_SETUP.contains(name)) {
                continue;
            }
            Object value = values[i];
            if (name.equals("connManager")) {
                value = manager != null ? manager.fingerprint() : null;
            } else if (value instanceof Collection) {
                value = ((Collection<?>) value).toArray(); // interceptors, default headers: by their elements
            }
            parts.add(name);
            parts.add(value);
        }
        return SetupFingerprint.ofParts("apache5-async-" + protocol, Apache5AsyncSetup::effectivelyImmutable, parts.toArray());
    }

    private String describe() {
        boolean system = false;
        for (int i = 0; i < fields.length; i++) {
            String name = fields[i].name();
            Object value = values[i];
            if (PER_CLIENT.contains(name) || NOT_SETUP.contains(name)) {
                continue;
            }
            if (name.equals("systemProperties")) {
                system = Boolean.TRUE.equals(value);
            } else if (value != null && !Boolean.FALSE.equals(value) && !Integer.valueOf(0).equals(value)) {
                return "custom";
            }
        }
        String base = protocol == Protocol.H2 ? "h2" : "default";
        return system ? (protocol == Protocol.H2 ? "h2-system" : "system") : base;
    }

    /**
     * Library TLS strategies whose non-final fields are set in their constructors only: compared by value, so
     * a strategy made per request around the same SSLContext and host name verifier still shares.
     */
    static boolean effectivelyImmutable(Class<?> type) {
        String name = type.getName();
        return name.equals("org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy")
                || name.equals("org.apache.hc.client5.http.ssl.ConscryptClientTlsStrategy");
    }

    // ---- building ---------------------------------------------------------------------------------------

    /**
     * The shared real client of this setup: the builder's values, with the agent's manager (HTTP/1), a
     * listener that counts connections, and inert client state of its own (every request brings its
     * client's in its context; should one not, nothing of another client's is there to be used).
     */
    CloseableHttpAsyncClient buildShared(AsyncClientConnectionManager agentManager, IOSessionListener listener) {
        Object builder = newBuilder();
        for (int i = 0; i < fields.length; i++) {
            fields[i].set(builder, copyOfCollection(values[i]));
        }
        set(builder, "cookieStore", Apache5AsyncInertState.NO_COOKIES);
        set(builder, "credentialsProvider", Apache5AsyncInertState.NO_CREDENTIALS);
        set(builder, "ioSessionListener", listener);
        if (protocol == Protocol.HTTP) {
            set(builder, "connManager", agentManager);
            set(builder, "connManagerShared", Boolean.FALSE); // the real client owns its manager: retiring it closes both
        }
        return build(builder);
    }

    /**
     * What the library would have built from the application's builder (its own manager and reactor), with
     * the application client's cookie store and credentials: for a client that leaves sharing.
     */
    CloseableHttpAsyncClient buildPrivate(Apache5AsyncClientState state) {
        Object builder = newBuilder();
        for (int i = 0; i < fields.length; i++) {
            fields[i].set(builder, copyOfCollection(values[i]));
        }
        set(builder, "cookieStore", state.cookieStore());
        set(builder, "credentialsProvider", state.credentialsProvider());
        return build(builder);
    }

    private Object newBuilder() {
        return protocol == Protocol.HTTP ? HttpAsyncClientBuilder.create() : H2AsyncClientBuilder.create();
    }

    private static CloseableHttpAsyncClient build(Object builder) {
        return Apache5AsyncPools.buildByAgent(() -> builder instanceof HttpAsyncClientBuilder
                ? ((HttpAsyncClientBuilder) builder).build() : ((H2AsyncClientBuilder) builder).build());
    }

    private void set(Object builder, String field, Object value) {
        for (LibraryField f : fields) {
            if (f.name().equals(field)) {
                f.set(builder, value);
                return;
            }
        }
    }
}
