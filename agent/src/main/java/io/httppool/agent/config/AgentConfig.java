package io.httppool.agent.config;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's effective settings: immutable, parsed and validated once at start-up by {@link ConfigLoader},
 * with the problems found doing so. Everything else in the agent reads settings from here, never from the
 * environment.
 */
public final class AgentConfig {

    /** Null until the agent installs its configuration; {@link #current()} then answers the defaults. */
    private static volatile AgentConfig installed;

    private final Map<Setting, Object> values;
    private final Map<Setting, String> sources;
    private final List<String> errors;

    AgentConfig(Map<Setting, Object> values, Map<Setting, String> sources, List<String> errors) {
        this.values = Collections.unmodifiableMap(new EnumMap<>(values));
        this.sources = Collections.unmodifiableMap(new EnumMap<>(sources));
        this.errors = errors;
    }

    /** The configuration in force; defaults until the agent installed its own. */
    public static AgentConfig current() {
        AgentConfig config = installed;
        return config != null ? config : Defaults.CONFIG;
    }

    public static void install(AgentConfig config) {
        installed = config;
    }

    /**
     * The defaults, made on first use only: premain installs the configuration it read, and making the defaults
     * there too (as a static initialiser of this class did) read every setting twice in every JVM's start.
     */
    private static final class Defaults {
        static final AgentConfig CONFIG = defaults();
    }

    public static AgentConfig defaults() {
        return ConfigLoader.load(null, new java.util.Properties(), Map.of());
    }

    /** Every setting that was read as it was given: no {@link #errors()}. */
    public boolean valid() {
        return errors.isEmpty();
    }

    /**
     * What was wrong in the settings as given, one message each naming the setting, the value and what is
     * accepted; such a setting holds its default here, and the agent leaves pooling off.
     */
    public List<String> errors() {
        return errors;
    }

    public boolean poolEnabled() {
        return (Boolean) values.get(Setting.POOL_ENABLED);
    }

    /**
     * Whether the library with this id ({@code apache5}, {@code jdk}...) is switched on: pooling on and its
     * {@code HTTP_POOL_<ID>_ENABLED} setting true. An id without such a setting is off.
     */
    public boolean libraryEnabled(String id) {
        if (!poolEnabled()) {
            return false;
        }
        String variable = "HTTP_POOL_" + id.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_ENABLED";
        for (Setting setting : Setting.values()) {
            if (setting.envName().equals(variable)) {
                return (Boolean) values.get(setting);
            }
        }
        return false;
    }

    public int maxConnections() {
        return (Integer) values.get(Setting.MAX_CONNECTIONS);
    }

    public int maxConnectionsPerRoute() {
        Object perRoute = values.get(Setting.MAX_CONNECTIONS_PER_ROUTE);
        return perRoute != null ? (Integer) perRoute : maxConnections();
    }

    public int maxKeepAliveConnections() {
        return (Integer) values.get(Setting.MAX_KEEPALIVE_CONNECTIONS);
    }

    public Duration keepAliveExpiry() {
        return duration(Setting.KEEPALIVE_EXPIRY);
    }

    public Duration connectTimeout() {
        return duration(Setting.CONNECT_TIMEOUT);
    }

    public Duration readTimeout() {
        return duration(Setting.READ_TIMEOUT);
    }

    public Duration writeTimeout() {
        return duration(Setting.WRITE_TIMEOUT);
    }

    public Duration poolTimeout() {
        return duration(Setting.POOL_TIMEOUT);
    }

    /** HTTP_POOL_ON_EXHAUSTED: {@code overflow} or {@code wait}. */
    public String onExhausted() {
        return (String) values.get(Setting.ON_EXHAUSTED);
    }

    /** HTTP_POOL_MAX_CONNECTION_LIFETIME; zero means no limit. */
    public Duration maxConnectionLifetime() {
        return duration(Setting.MAX_CONNECTION_LIFETIME);
    }

    public Duration validateAfterInactivity() {
        return duration(Setting.VALIDATE_AFTER_INACTIVITY);
    }

    public Duration healthInterval() {
        return duration(Setting.HEALTH_INTERVAL);
    }

    public Duration leakThreshold() {
        return duration(Setting.LEAK_THRESHOLD);
    }

    /** "always", "sampled" or "off": which leases record the stack that took them, for leak reports. */
    public String leakStacks() {
        return (String) values.get(Setting.LEAK_STACKS);
    }

    /** The status server's port, or -1 when no status server is wanted. */
    public int statusPort() {
        Object port = values.get(Setting.STATUS_PORT);
        return port != null ? (Integer) port : -1;
    }

    public String statusHost() {
        return (String) values.get(Setting.STATUS_HOST);
    }

    public String logLevel() {
        return (String) values.get(Setting.LOG_LEVEL);
    }

    /** Where each value came from: "default", "environment", "system property" or "agent argument". */
    public String sourceOf(Setting setting) {
        return sources.getOrDefault(setting, "default");
    }

    /** One line for the start-up log: every setting with its value, marking those not left at default. */
    public String describe() {
        StringBuilder line = new StringBuilder(1024);
        for (Setting setting : Setting.values()) {
            Object value = values.get(setting);
            String shown = setting.show(value);
            if (setting == Setting.MAX_CONNECTIONS_PER_ROUTE && value == null) {
                shown = String.valueOf(maxConnectionsPerRoute());
            }
            if (setting == Setting.STATUS_PORT && value == null) {
                shown = "off";
            }
            String source = sourceOf(setting);
            if (line.length() > 0) {
                line.append(", ");
            }
            line.append(setting.envName()).append('=').append(shown);
            if (!"default".equals(source)) {
                line.append(" (").append(source).append(')');
            }
        }
        return line.toString();
    }

    /** The effective settings by variable name, as shown over JMX and /health. */
    public Map<String, String> asMap() {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            Object value = values.get(setting);
            map.put(setting.envName(), setting.show(value));
        }
        return map;
    }

    /** Seconds settings are held as milliseconds (see {@link SettingType#seconds}); made a Duration when asked for. */
    private Duration duration(Setting setting) {
        return Duration.ofMillis((Long) values.get(setting));
    }

    /** "30s", "0.25s", "1.5s": seconds without trailing zeros. */
    public static String seconds(Duration duration) {
        return seconds(duration.toMillis());
    }

    /** {@link #seconds(Duration)} of milliseconds (no BigDecimal, no Duration: this runs in premain). */
    static String seconds(long millis) {
        long whole = millis / 1000;
        long fraction = Math.abs(millis % 1000);
        if (fraction == 0) {
            return whole + "s";
        }
        String decimals = String.valueOf(1000 + fraction).substring(1); // three digits, leading zeros kept
        while (decimals.endsWith("0")) {
            decimals = decimals.substring(0, decimals.length() - 1);
        }
        return (millis < 0 && whole == 0 ? "-" : "") + whole + "." + decimals + "s";
    }
}
