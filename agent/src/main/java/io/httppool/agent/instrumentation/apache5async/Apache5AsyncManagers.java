package io.httppool.agent.instrumentation.apache5async;

import io.httppool.agent.fields.LibraryField;
import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.pool.SetupFingerprint;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The async connection managers the application built with {@code PoolingAsyncClientConnectionManagerBuilder}
 * (a TLS strategy of its own, limits, a DNS resolver...), each remembered with the setup it was built with;
 * and the managers the agent builds for its shared clients from such a setup.
 *
 * <p>An application's manager is never used by a pooled client: its requests run on the shared client of
 * its setup, whose manager the agent built from the same builder values. So a manager the application
 * reconfigures after build() ({@code setMaxTotal}, {@code setDefaultTlsConfig}...) is one whose setup the
 * agent no longer knows: it is forgotten, and a client that has it goes back to the library's own way.
 */
final class Apache5AsyncManagers {

    /** "No limit" for the library's pool when the agent's overflow rule applies (half of int's range: no arithmetic overflows). */
    static final int UNBOUNDED = Integer.MAX_VALUE / 2;

    private static final Map<Object, Recipe> BUILT = Collections.synchronizedMap(new WeakHashMap<>());

    private static final LibraryField[] FIELDS = instanceFields();

    private Apache5AsyncManagers() {
    }

    /** What a manager was built with: its builder's values and their fingerprint. */
    static final class Recipe {
        private final Object[] values;
        private final SetupFingerprint fingerprint;
        private volatile boolean reconfigured;

        Recipe(Object[] values) {
            this.values = values;
            this.fingerprint = SetupFingerprint.ofParts("apache5-async-manager", Apache5AsyncSetup::effectivelyImmutable, values);
        }

        SetupFingerprint fingerprint() {
            return fingerprint;
        }

        /** True once the application changed the manager built with this recipe: its clients leave sharing. */
        boolean reconfigured() {
            return reconfigured;
        }

        Object value(String field) {
            for (int i = 0; i < FIELDS.length; i++) {
                if (FIELDS[i].name().equals(field)) {
                    return values[i];
                }
            }
            return null;
        }
    }

    private static LibraryField[] instanceFields() {
        List<LibraryField> fields = new ArrayList<>();
        for (Field field : PoolingAsyncClientConnectionManagerBuilder.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !Modifier.isFinal(field.getModifiers())) {
                fields.add(LibraryField.required(field));
            }
        }
        return fields.toArray(new LibraryField[0]);
    }

    /** The application built {@code manager} with {@code builder}: remembered (builder subclasses are not: unknown setup). */
    static void remember(PoolingAsyncClientConnectionManager manager, Object builder) {
        if (manager == null || builder.getClass() != PoolingAsyncClientConnectionManagerBuilder.class) {
            return;
        }
        Object[] values = new Object[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            values[i] = FIELDS[i].get(builder);
        }
        BUILT.put(manager, new Recipe(values));
    }

    /** The recipe of a manager the application built and left as built, or null (made with new, reconfigured, closed). */
    static Recipe recipeOf(Object manager) {
        Recipe recipe = BUILT.get(manager);
        if (recipe == null || recipe.reconfigured
                || manager instanceof PoolingAsyncClientConnectionManager && ((PoolingAsyncClientConnectionManager) manager).isClosed()) {
            return null;
        }
        return recipe;
    }

    /** The application changes how {@code manager} makes connections: it is the application's own from now on. */
    static boolean reconfigured(Object manager) {
        Recipe recipe = BUILT.remove(manager);
        if (recipe != null) {
            recipe.reconfigured = true;
        }
        return recipe != null;
    }

    /** The DNS resolver of a recipe, when the application set one (then it answers where host names point). */
    static DnsResolver dnsResolver(Recipe recipe) {
        Object resolver = recipe != null ? recipe.value("dnsResolver") : null;
        return resolver instanceof DnsResolver ? (DnsResolver) resolver : null;
    }

    /**
     * A manager of the shared client: the recipe's values (or the builder's defaults, with the client
     * builder's {@code useSystemProperties()}), with the agent's limits and timeouts where the application
     * set none. Limits: none of the application's means HTTP_MAX_CONNECTIONS for {@code wait}, and no limit
     * for {@code overflow} (without the agent, each per-request client opens what its requests need; idle
     * connections beyond HTTP_MAX_KEEPALIVE_CONNECTIONS are closed by the pool's upkeep). One limit set means
     * the agent's value stands in for the library's default of the other (5 per route would throttle every
     * client sharing the manager).
     */
    static PoolingAsyncClientConnectionManager build(Recipe recipe, boolean systemProperties, AgentConfig config) {
        PoolingAsyncClientConnectionManagerBuilder builder = PoolingAsyncClientConnectionManagerBuilder.create();
        if (recipe != null) {
            for (int i = 0; i < FIELDS.length; i++) {
                FIELDS[i].set(builder, recipe.values[i]);
            }
        } else if (systemProperties) {
            builder.useSystemProperties();
        }
        int[] limits = limits(recipe, config);
        builder.setMaxConnTotal(limits[0]);
        builder.setMaxConnPerRoute(limits[1]);
        if (recipe == null || recipe.value("connectionConfigResolver") == null) {
            builder.setDefaultConnectionConfig(ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofMilliseconds(config.connectTimeout().toMillis()))
                    .setSocketTimeout(Timeout.ofMilliseconds(config.readTimeout().toMillis()))
                    .build());
        }
        return Apache5AsyncPools.buildByAgent(builder::build);
    }

    /** {total, per route} for the library's pool; see {@link #build}. */
    static int[] limits(Recipe recipe, AgentConfig config) {
        if (agentLimits(recipe)) {
            return "wait".equals(config.onExhausted())
                    ? new int[] {config.maxConnections(), config.maxConnectionsPerRoute()}
                    : new int[] {UNBOUNDED, UNBOUNDED};
        }
        int appTotal = limit(recipe, "maxConnTotal");
        int appPerRoute = limit(recipe, "maxConnPerRoute");
        return new int[] {appTotal > 0 ? appTotal : config.maxConnections(), appPerRoute > 0 ? appPerRoute : config.maxConnectionsPerRoute()};
    }

    /** True when the application set no limit on the manager's builder: the agent's settings decide. */
    static boolean agentLimits(Recipe recipe) {
        return limit(recipe, "maxConnTotal") <= 0 && limit(recipe, "maxConnPerRoute") <= 0;
    }

    private static int limit(Recipe recipe, String field) {
        Object value = recipe != null ? recipe.value(field) : null;
        return value instanceof Integer ? (Integer) value : 0;
    }
}
