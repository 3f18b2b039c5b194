package io.httppool.agent.config;

import java.util.Locale;

/**
 * Every setting the agent reads: its environment variable, default and accepted values.
 * The system-property twin and agent-argument key are derived from the variable name
 * ({@code HTTP_MAX_CONNECTIONS} becomes {@code http.max.connections}), so the three stay in step.
 */
public enum Setting {
    POOL_ENABLED("HTTP_POOL_ENABLED", "true", SettingType.bool(),
            "Turns pooling on or off. Off installs no transformation at all."),
    APACHE5_ENABLED("HTTP_POOL_APACHE5_ENABLED", "true", SettingType.bool(),
            "Pooling for Apache HttpClient 5 (classic). Off leaves its classes untransformed."),
    APACHE5_ASYNC_ENABLED("HTTP_POOL_APACHE5_ASYNC_ENABLED", "true", SettingType.bool(),
            "Pooling for Apache HttpClient 5 (async). Off leaves its clients as the library builds them."),
    JDK_ENABLED("HTTP_POOL_JDK_ENABLED", "true", SettingType.bool(),
            "Pooling for the JDK's java.net.http.HttpClient. Off leaves its classes untransformed."),
    APACHE4_ENABLED("HTTP_POOL_APACHE4_ENABLED", "true", SettingType.bool(),
            "Pooling for Apache HttpClient 4.5. Off leaves its classes untransformed."),
    OKHTTP_ENABLED("HTTP_POOL_OKHTTP_ENABLED", "true", SettingType.bool(),
            "Pooling for OkHttp 3.14, 4.x and 5.x. Off leaves its classes untransformed."),
    MAX_CONNECTIONS("HTTP_MAX_CONNECTIONS", "100", SettingType.integer(1, 10_000),
            "Most connections one managed pool opens, over all hosts."),
    MAX_CONNECTIONS_PER_ROUTE("HTTP_MAX_CONNECTIONS_PER_ROUTE", null, SettingType.integer(1, 10_000),
            "Most connections to one host (route). Default: HTTP_MAX_CONNECTIONS."),
    MAX_KEEPALIVE_CONNECTIONS("HTTP_MAX_KEEPALIVE_CONNECTIONS", "20", SettingType.integer(0, 10_000),
            "Most idle connections kept open per pool; beyond that the longest-idle ones are closed."),
    KEEPALIVE_EXPIRY("HTTP_KEEPALIVE_EXPIRY", "300", SettingType.seconds(0, 86_400),
            "Seconds an idle connection is kept when the server sent no Keep-Alive timeout."),
    CONNECT_TIMEOUT("HTTP_CONNECT_TIMEOUT", "10", SettingType.seconds(0, 86_400),
            "Seconds to establish a TCP connection (0 = no limit)."),
    READ_TIMEOUT("HTTP_READ_TIMEOUT", "30", SettingType.seconds(0, 86_400),
            "Seconds of socket inactivity while waiting for response data (0 = no limit)."),
    WRITE_TIMEOUT("HTTP_WRITE_TIMEOUT", "10", SettingType.seconds(0, 86_400),
            "Seconds to write a request. Validated and reported; classic HttpClient 5 cannot enforce it."),
    POOL_TIMEOUT("HTTP_POOL_TIMEOUT", "5", SettingType.seconds(0, 86_400),
            "Seconds to wait for a pooled connection when all are in use (0 = no limit)."),
    ON_EXHAUSTED("HTTP_POOL_ON_EXHAUSTED", "overflow", SettingType.oneOf("overflow", "wait"),
            "When every pooled connection is in use: overflow (an extra connection after at most 50 ms) or wait (up to HTTP_POOL_TIMEOUT, then fail)."),
    MAX_CONNECTION_LIFETIME("HTTP_POOL_MAX_CONNECTION_LIFETIME", "300", SettingType.seconds(0, 86_400),
            "Seconds after which a pooled connection is retired, so load spreads to new instances (0 = no limit)."),
    VALIDATE_AFTER_INACTIVITY("HTTP_POOL_VALIDATE_AFTER_INACTIVITY", "0.1", SettingType.seconds(0, 3_600),
            "A pooled connection idle longer than this is checked for a server-side close before reuse."),
    HEALTH_INTERVAL("HTTP_POOL_HEALTH_INTERVAL", "60", SettingType.seconds(0.01, 86_400),
            "Seconds between health checks of every pool."),
    LEAK_THRESHOLD("HTTP_POOL_LEAK_THRESHOLD", "60", SettingType.seconds(0, 86_400),
            "Seconds a connection may stay leased before a leak warning (0 = no warning)."),
    LEAK_STACKS("HTTP_POOL_LEAK_STACKS", "sampled", SettingType.oneOf("always", "sampled", "off"),
            "Where leases are taken, for leak reports: every lease, 1 in 1024 until a pool leaks, or never."),
    STATUS_PORT("HTTP_POOL_STATUS_PORT", null, SettingType.integer(0, 65_535),
            "Port of the /health and /metrics server; unset = no server, 0 = any free port."),
    STATUS_HOST("HTTP_POOL_STATUS_HOST", "127.0.0.1", SettingType.host(),
            "Address the status server binds to."),
    LOG_LEVEL("HTTP_POOL_LOG_LEVEL", "info", SettingType.oneOf("off", "error", "warn", "info", "debug", "trace"),
            "Level of the agent's own log lines on standard error.");

    private final String envName;
    private final String defaultValue;
    private final SettingType<?> type;
    private final String description;

    Setting(String envName, String defaultValue, SettingType<?> type, String description) {
        this.envName = envName;
        this.defaultValue = defaultValue;
        this.type = type;
        this.description = description;
    }

    public String envName() {
        return envName;
    }

    public String propertyName() {
        return envName.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The default as text, or null when the setting has no default of its own. */
    public String defaultValue() {
        return defaultValue;
    }

    public String accepted() {
        return type.accepted();
    }

    public String description() {
        return description;
    }

    Object parse(String raw) {
        return type.parse(raw);
    }

    /** A value of this setting as text: seconds as {@code 0.25s}, anything else as is. */
    String show(Object value) {
        return type.show(value);
    }

    /** Finds a setting by any of its spellings: {@code HTTP_MAX_CONNECTIONS} or {@code http.max.connections}. */
    static Setting byKey(String key) {
        String normalized = key.trim().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        for (Setting setting : values()) {
            if (setting.envName.equals(normalized)) {
                return setting;
            }
        }
        return null;
    }
}
