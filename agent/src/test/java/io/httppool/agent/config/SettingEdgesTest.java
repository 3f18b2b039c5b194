package io.httppool.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Settings at the edges of what they accept, and how errors and the start-up line read. */
class SettingEdgesTest {

    private static AgentConfig env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return ConfigLoader.load(null, new Properties(), env);
    }

    @Test
    void wholeNumbersAcceptBothEndsOfTheirRangeAndNothingBeyond() {
        assertEquals(1, env("HTTP_MAX_CONNECTIONS", "1").maxConnections());
        assertEquals(10_000, env("HTTP_MAX_CONNECTIONS", "10000").maxConnections());
        assertFalse(env("HTTP_MAX_CONNECTIONS", "0").valid());
        assertFalse(env("HTTP_MAX_CONNECTIONS", "10001").valid());
    }

    @Test
    void wholeNumbersAreReadAsPlainDigitsWithAnOptionalSign() {
        assertEquals(50, SettingType.wholeNumberOf("50"));
        assertEquals(50, SettingType.wholeNumberOf("+50"));
        assertEquals(7, SettingType.wholeNumberOf("007"));
        assertEquals(0, SettingType.wholeNumberOf("-0"));
        assertEquals(999_999_999_999L, SettingType.wholeNumberOf("999999999999"));
        assertEquals(80, SettingType.wholeNumberOf("0000000000080"), "leading zeros are not counted");
        for (String bad : new String[] {"", "+", "-", "-5", "1.5", "1e2", "5 ", "0x10", "\u0665", "1234567890123", "++1"}) {
            assertTrue(SettingType.wholeNumberOf(bad) < 0, "not a whole number: '" + bad + "'");
        }
        assertEquals(42, env("HTTP_MAX_CONNECTIONS", " +42 ").maxConnections(), "surrounding blanks are trimmed");
    }

    @Test
    void secondsAreReadAsPlainDecimalsToTheMillisecond() {
        assertEquals(1_500, SettingType.millisOf("+1.5"));
        assertEquals(500, SettingType.millisOf(".5"));
        assertEquals(1_000, SettingType.millisOf("1."));
        assertEquals(250, SettingType.millisOf("0.2500"), "zeros beyond the third decimal change nothing");
        assertEquals(86_400_000, SettingType.millisOf("86400"));
        assertTrue(SettingType.millisOf("0.0001") < 0, "a fourth decimal is refused");
        for (String bad : new String[] {"", ".", "+", "-1", "1e2", "1.5s", "1,5", " 1", "1234567890123"}) {
            assertTrue(SettingType.millisOf(bad) < 0, "not a number of seconds: '" + bad + "'");
        }
        assertTrue(env("HTTP_CONNECT_TIMEOUT", "1.0001").errors().get(0).contains("at most 3 decimals"));
    }

    @Test
    void secondsAcceptBothEndsOfTheirRangeAndWholeMilliseconds() {
        assertEquals(Duration.ofMillis(10), env("HTTP_POOL_HEALTH_INTERVAL", "0.01").healthInterval());
        assertEquals(Duration.ofSeconds(86_400), env("HTTP_POOL_HEALTH_INTERVAL", "86400").healthInterval());
        assertFalse(env("HTTP_POOL_HEALTH_INTERVAL", "0.009").valid());
        assertFalse(env("HTTP_POOL_HEALTH_INTERVAL", "86400.001").valid());
        assertEquals(Duration.ofMillis(1_001), env("HTTP_CONNECT_TIMEOUT", "1.001").connectTimeout(), "three decimals are exact");
        assertEquals(Duration.ZERO, env("HTTP_CONNECT_TIMEOUT", "0").connectTimeout());
    }

    @Test
    void choicesAreMatchedWhateverTheirCaseAndKeptInTheirOwnSpelling() {
        assertEquals("wait", env("HTTP_POOL_ON_EXHAUSTED", " WAIT ").onExhausted());
        assertEquals("always", env("HTTP_POOL_LEAK_STACKS", "Always").leakStacks());
        assertEquals("debug", env("HTTP_POOL_LOG_LEVEL", "debug").logLevel());
        assertEquals("info", env().logLevel());
        assertEquals("overflow", env().onExhausted());
        assertEquals("sampled", env().leakStacks());
    }

    @Test
    void aHostNameMayBeAsLongAsDnsAllowsAndNoLonger() {
        String longest = "a".repeat(253);
        assertEquals(longest, env("HTTP_POOL_STATUS_HOST", longest).statusHost());
        assertFalse(env("HTTP_POOL_STATUS_HOST", "a".repeat(254)).valid());
        assertEquals("::1", env("HTTP_POOL_STATUS_HOST", " ::1 ").statusHost());
        assertFalse(env("HTTP_POOL_STATUS_HOST", "bad host").valid());
        assertFalse(env("HTTP_POOL_STATUS_HOST", " ").valid());
    }

    @Test
    void aPerRouteLimitEqualToTheTotalIsFine() {
        AgentConfig result = env("HTTP_MAX_CONNECTIONS", "10", "HTTP_MAX_CONNECTIONS_PER_ROUTE", "10");
        assertTrue(result.valid(), result.errors().toString());
        assertEquals(10, result.maxConnectionsPerRoute());
    }

    @Test
    void errorsNameTheSpellingTheValueCameIn() {
        Properties props = new Properties();
        props.put("http.max.connections", "x");
        String fromProperty = ConfigLoader.load(null, props, Map.of()).errors().get(0);
        assertTrue(fromProperty.startsWith("Invalid setting http.max.connections (HTTP_MAX_CONNECTIONS)='x' from system property"), fromProperty);
        String fromArgument = ConfigLoader.load("http.max.connections=y", new Properties(), Map.of()).errors().get(0);
        assertTrue(fromArgument.startsWith("Invalid setting http.max.connections (HTTP_MAX_CONNECTIONS)='y' from agent argument"), fromArgument);
        String fromEnvironment = env("HTTP_MAX_CONNECTIONS", "z").errors().get(0);
        assertTrue(fromEnvironment.startsWith("Invalid setting HTTP_MAX_CONNECTIONS='z' from environment: expected "), fromEnvironment);
    }

    @Test
    void malformedAgentArgumentsAreErrorsThatSayWhatIsExpected() {
        AgentConfig noKey = ConfigLoader.load("=5", new Properties(), Map.of());
        assertEquals("Invalid agent argument '=5': expected key=value, e.g. http.max.connections=50", noKey.errors().get(0));
        AgentConfig noValue = ConfigLoader.load("http.max.connections", new Properties(), Map.of());
        assertTrue(noValue.errors().get(0).startsWith("Invalid agent argument 'http.max.connections'"), noValue.errors().toString());
        AgentConfig unknown = ConfigLoader.load("http.nope=1", new Properties(), Map.of());
        assertTrue(unknown.errors().get(0).contains("expected one of http.pool.enabled, "), unknown.errors().toString());
        assertTrue(unknown.errors().get(0).contains("http.max.connections"), unknown.errors().toString());
        assertTrue(ConfigLoader.load(" , ", new Properties(), Map.of()).valid(), "blank pairs are skipped");
    }

    @Test
    void theStartUpLineShowsDerivedValuesNotBlanks() {
        String described = env("HTTP_MAX_CONNECTIONS", "40").describe();
        assertTrue(described.contains("HTTP_MAX_CONNECTIONS_PER_ROUTE=40,"), "per route follows the total: " + described);
        assertTrue(described.contains("HTTP_POOL_STATUS_PORT=off"), described);
        String withPort = env("HTTP_POOL_STATUS_PORT", "0", "HTTP_MAX_CONNECTIONS_PER_ROUTE", "5").describe();
        assertTrue(withPort.contains("HTTP_POOL_STATUS_PORT=0 (environment)"), withPort);
        assertTrue(withPort.contains("HTTP_MAX_CONNECTIONS_PER_ROUTE=5 (environment)"), withPort);
    }

    @Test
    void aLibraryIsOnOnlyWithPoolingOnAndItsOwnSwitchOn() {
        assertTrue(env().libraryEnabled("apache5"));
        assertFalse(env("HTTP_POOL_APACHE5_ENABLED", "false").libraryEnabled("apache5"));
        assertFalse(env("HTTP_POOL_ENABLED", "false").libraryEnabled("apache5"));
        assertFalse(env().libraryEnabled("no-such-library"), "a library without a switch is off");
    }
}
