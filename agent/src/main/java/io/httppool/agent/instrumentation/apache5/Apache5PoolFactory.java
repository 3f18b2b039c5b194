package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.config.AgentConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.function.Resolver;

/**
 * Builds the real connection manager behind a managed pool: the application's builder settings, copied
 * field by field (whatever this HttpClient version has), with the agent's settings filled in where the
 * application set nothing.
 */
final class Apache5PoolFactory {

    private Apache5PoolFactory() {
    }

    /** A private copy of the application's builder, taken when the pool is created. */
    static PoolingHttpClientConnectionManagerBuilder copyOf(PoolingHttpClientConnectionManagerBuilder builder)
            throws IllegalAccessException {
        PoolingHttpClientConnectionManagerBuilder copy = PoolingHttpClientConnectionManagerBuilder.create();
        copyFields(builder, copy);
        return copy;
    }

    /** Called by Apache5Pools with its BUILDING flag set, so that our own build() is not intercepted. */
    @SuppressWarnings("unchecked")
    static PoolingHttpClientConnectionManager build(PoolingHttpClientConnectionManagerBuilder template, AgentConfig config)
            throws ReflectiveOperationException {
        PoolingHttpClientConnectionManagerBuilder copy = copyOf(template);

        Resolver<HttpRoute, ConnectionConfig> applicationResolver =
                (Resolver<HttpRoute, ConnectionConfig>) readField(template, "connectionConfigResolver");
        copy.setConnectionConfigResolver(Apache5ConnectionConfigs.resolverFor(applicationResolver, config));
        // The library's defaults (25 in all, 5 per host) would throttle every client sharing the pool.
        if (((Integer) readField(template, "maxConnTotal")) <= 0) {
            copy.setMaxConnTotal(config.maxConnections());
        }
        if (((Integer) readField(template, "maxConnPerRoute")) <= 0) {
            copy.setMaxConnPerRoute(config.maxConnectionsPerRoute());
        }
        return copy.build();
    }

    private static void copyFields(Object from, Object to) throws IllegalAccessException {
        for (Field field : from.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            field.set(to, field.get(from));
        }
    }

    static Object readField(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }
}
