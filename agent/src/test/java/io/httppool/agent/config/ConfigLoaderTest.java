package io.httppool.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    private static AgentConfig load(String args, Map<String, String> props, Map<String, String> env) {
        Properties properties = new Properties();
        properties.putAll(props);
        return ConfigLoader.load(args, properties, env);
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        AgentConfig config = load(null, Map.of(), Map.of());
        assertTrue(config.poolEnabled());
        assertEquals(100, config.maxConnections());
        assertEquals(100, config.maxConnectionsPerRoute(), "per route defaults to the total");
        assertEquals(20, config.maxKeepAliveConnections());
        assertEquals(Duration.ofSeconds(300), config.keepAliveExpiry());
        assertEquals(Duration.ofSeconds(10), config.connectTimeout());
        assertEquals(Duration.ofSeconds(30), config.readTimeout());
        assertEquals(Duration.ofSeconds(10), config.writeTimeout());
        assertEquals(Duration.ofSeconds(5), config.poolTimeout());
        assertEquals(Duration.ofSeconds(60), config.healthInterval());
        assertEquals(Duration.ofSeconds(60), config.leakThreshold());
        assertEquals(-1, config.statusPort());
        assertEquals("127.0.0.1", config.statusHost());
    }

    @Test
    void agentArgumentsBeatSystemPropertiesWhichBeatEnvironment() {
        Map<String, String> env = Map.of("HTTP_MAX_CONNECTIONS", "10", "HTTP_POOL_TIMEOUT", "1", "HTTP_READ_TIMEOUT", "7");
        Map<String, String> props = Map.of("http.max.connections", "20", "http.pool.timeout", "2");
        AgentConfig config = load("http.max.connections=30", props, env);
        assertEquals(30, config.maxConnections());
        assertEquals(Duration.ofSeconds(2), config.poolTimeout());
        assertEquals(Duration.ofSeconds(7), config.readTimeout());
        assertEquals("agent argument", config.sourceOf(Setting.MAX_CONNECTIONS));
        assertEquals("system property", config.sourceOf(Setting.POOL_TIMEOUT));
        assertEquals("environment", config.sourceOf(Setting.READ_TIMEOUT));
    }

    @Test
    void agentArgumentsAcceptBothSpellings() {
        AgentConfig config = load("HTTP_POOL_ENABLED=false, http.max.connections=5", Map.of(), Map.of());
        assertFalse(config.poolEnabled());
        assertEquals(5, config.maxConnections());
    }

    @Test
    void fractionalSecondsAreExact() {
        AgentConfig config = load(null, Map.of(), Map.of("HTTP_CONNECT_TIMEOUT", "0.25", "HTTP_KEEPALIVE_EXPIRY", "1.5"));
        assertEquals(Duration.ofMillis(250), config.connectTimeout());
        assertEquals(Duration.ofMillis(1500), config.keepAliveExpiry());
    }

    @ParameterizedTest
    @CsvSource({
            "HTTP_MAX_CONNECTIONS, abc, a whole number from 1 to 10000",
            "HTTP_MAX_CONNECTIONS, -5, a whole number from 1 to 10000",
            "HTTP_MAX_CONNECTIONS, 99999999, a whole number from 1 to 10000",
            "HTTP_MAX_CONNECTIONS, 1.5, a whole number from 1 to 10000",
            "HTTP_POOL_ENABLED, maybe, true or false",
            "HTTP_READ_TIMEOUT, 30s, seconds from 0 to 86400",
            "HTTP_READ_TIMEOUT, -1, seconds from 0 to 86400",
            "HTTP_READ_TIMEOUT, 1e9, seconds from 0 to 86400",
            "HTTP_CONNECT_TIMEOUT, 0.0001, at most 3 decimals",
            "HTTP_POOL_HEALTH_INTERVAL, 0, seconds from 0.01 to 86400",
            "HTTP_POOL_STATUS_PORT, 70000, a whole number from 0 to 65535",
            "HTTP_POOL_LOG_LEVEL, loud, one of off, error, warn, info, debug, trace",
    })
    void badValuesAreReportedWithNameValueAndAcceptedRange(String name, String value, String accepted) {
        AgentConfig result = load(null, Map.of(), Map.of(name, value));
        assertFalse(result.valid());
        assertEquals(1, result.errors().size(), result.errors().toString());
        String error = result.errors().get(0);
        assertTrue(error.contains(name), error);
        assertTrue(error.contains("'" + value + "'"), error);
        assertTrue(error.contains(accepted), error);
    }

    @Test
    void unknownAgentArgumentIsAnError() {
        AgentConfig result = load("http.max.conections=5", Map.of(), Map.of());
        assertFalse(result.valid());
        assertTrue(result.errors().get(0).contains("http.max.conections"), result.errors().toString());
    }

    @Test
    void perRouteAboveTotalIsAnError() {
        AgentConfig result = load(null, Map.of(), Map.of("HTTP_MAX_CONNECTIONS", "10", "HTTP_MAX_CONNECTIONS_PER_ROUTE", "20"));
        assertFalse(result.valid());
        assertTrue(result.errors().get(0).contains("HTTP_MAX_CONNECTIONS_PER_ROUTE"), result.errors().toString());
    }

    @Test
    void unrelatedEnvironmentIsIgnored() {
        AgentConfig result = load(null, Map.of("http.proxyHost", "x", "http.maxConnections", "abc"),
                Map.of("HTTP_PROXY", "http://proxy", "HTTP_MAXCONNECTIONS", "x"));
        assertTrue(result.valid(), result.errors().toString());
    }

    @Test
    void describeNamesEverySettingAndMarksOverrides() {
        String described = load(null, Map.of(), Map.of("HTTP_MAX_CONNECTIONS", "42")).describe();
        for (Setting setting : Setting.values()) {
            assertTrue(described.contains(setting.envName() + "="), setting + " missing in " + described);
        }
        assertTrue(described.contains("HTTP_MAX_CONNECTIONS=42 (environment)"), described);
    }
}
