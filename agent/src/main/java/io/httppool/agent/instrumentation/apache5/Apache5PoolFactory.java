package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.fields.LibraryField;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;

/**
 * Builds the real connection managers behind one managed pool: the application's builder settings, copied
 * field by field when the pool is created (whatever this HttpClient version has), with the agent's
 * settings filled in where the application set nothing.
 *
 * <p>Limits: when the application set none on the builder, the library's pool gets none (the agent's
 * {@code LeaseGate} applies HTTP_MAX_CONNECTIONS and decides what happens at it); when it set
 * {@code setMaxConnTotal}/{@code setMaxConnPerRoute}, those stay the library's own strict limits.
 */
final class Apache5PoolFactory {

    /** "No limit" for the library's pool behind the gate (half of int's range: no arithmetic overflows). */
    static final int UNBOUNDED = Integer.MAX_VALUE / 2;

    private final PoolingHttpClientConnectionManagerBuilder template;
    private final Apache5ConnectionSettings connectionSettings;
    private final Apache5PoolSettings settings;

    Apache5PoolFactory(PoolingHttpClientConnectionManagerBuilder builder, AgentConfig config) throws ReflectiveOperationException {
        // A private copy of the builder: the application may change or reuse its own after build().
        this.template = copyOf(builder);
        this.connectionSettings = Apache5Versions.API.connectionSettings(template, config);
        // Where the application set one limit only, the agent's value stands in for the library's default
        // of the other (25 in all, 5 per host would throttle every client sharing the pool).
        this.settings = Apache5PoolSettings.of(config, (Integer) readField(template, "maxConnTotal"),
                (Integer) readField(template, "maxConnPerRoute"), connectionSettings);
    }

    Apache5PoolSettings settings() {
        return settings;
    }

    /** A new manager of this setup. Called by Apache5Pools with its BUILDING flag set, so that our own build() is not intercepted. */
    PoolingHttpClientConnectionManager build() throws ReflectiveOperationException {
        PoolingHttpClientConnectionManagerBuilder copy = copyOf(template);
        connectionSettings.applyTo(copy);
        copy.setMaxConnTotal(settings.gated() ? UNBOUNDED : settings.maxTotal());
        copy.setMaxConnPerRoute(settings.gated() ? UNBOUNDED : settings.maxPerRoute());
        return copy.build();
    }

    private static PoolingHttpClientConnectionManagerBuilder copyOf(PoolingHttpClientConnectionManagerBuilder builder) {
        PoolingHttpClientConnectionManagerBuilder copy = PoolingHttpClientConnectionManagerBuilder.create();
        for (Field field : builder.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                continue;
            }
            LibraryField readable = LibraryField.required(field);
            readable.set(copy, readable.get(builder));
        }
        return copy;
    }

    static Object readField(Object owner, String name) throws ReflectiveOperationException {
        return LibraryField.required(owner.getClass().getDeclaredField(name)).get(owner);
    }
}
